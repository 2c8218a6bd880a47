/** Annual volume above the permit's annual volume (item). */
import { overLimitRule } from '../period-rules.ts';

export const annualOverPermit = overLimitRule('annual-over-permit', 'year');
