/**
 * The review page in a real browser (Debian's Chromium driven by playwright-core) against the API
 * on a real PostgreSQL and InfluxDB: a county user finds the item the simulator's over-permit
 * scenario raised, confirms it, starts rectifying with a photo attached and marks it rectified; a
 * city user closes it; the API tells the same history; a user of another county cannot open it by
 * its URL. Screenshots of the queue, the item and the map go to test-results/ to be looked at.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../api/app.ts';
import { TEST_APP_CONFIG } from '../api/testing/app.ts';
import { InfluxStore } from '../platform/influx/influx-store.ts';
import { useTestDatabase } from '../test/database.ts';
import { dropDatabase, testInfluxConfig } from '../test/services/influxdb.ts';
import { freePort } from '../test/services/process.ts';
import { launchChromium } from './testing/browser.ts';
import { buildReviewScenario, PASSWORD, type ReviewScenario } from './testing/scenario.ts';

const SHOTS = join(import.meta.dirname, '..', 'test-results');
const testDb = useTestDatabase();
const influxConfig = testInfluxConfig();
const influx = new InfluxStore(influxConfig);

let scenario: ReviewScenario;
let app: FastifyInstance;
let base: string;
let browser: Browser;
let itemId: string;

/** A small valid PNG (a 2×2 blue square): what a phone photo of the new meter stands for. */
function png(): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b: Buffer) => {
    let c = 0xffffffff;
    for (const byte of b) c = (crcTable[(c ^ byte) & 0xff] ?? 0) ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc(body), body.length + 4);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(2, 0);
  header.writeUInt32BE(2, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const rows = Buffer.from([0, 0, 0, 255, 0, 0, 255, 0, 0, 0, 255, 0, 0, 255]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

async function signedInPage(username: string, viewport = { width: 1366, height: 900 }): Promise<Page> {
  const context = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await context.newPage();
  await page.goto(`${base}/app/`);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForSelector('header.top');
  return page;
}

/** Opens the action's form on the item page, fills it and submits it; waits for the new status. */
async function act(page: Page, action: string, fill: Record<string, string>, status: string): Promise<void> {
  await page.click(`.next button:has-text("${ACTION_LABELS[action] ?? action}")`);
  const form = page.locator(`form[data-action=${action}]`);
  for (const [name, value] of Object.entries(fill)) await form.locator(`[name=${name}]`).fill(value);
  await form.locator('button[type=submit]').click();
  await page.waitForSelector(`.item-head .status-${status}`);
}

const ACTION_LABELS: Record<string, string> = {
  confirm: '确认问题',
  startRectifying: '开始整改',
  markRectified: '标记已整改',
  close: '核查销号',
};

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  scenario = await buildReviewScenario(testDb.db, influx);
  app = await buildApp({ config: TEST_APP_CONFIG, db: testDb.db, readings: influx });
  const port = await freePort();
  await app.listen({ host: '127.0.0.1', port });
  base = `http://127.0.0.1:${port}`;
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser.close();
  await app.close();
  await dropDatabase(influxConfig);
});

describe('the review page', () => {
  it('shows a county user the item the over-permit scenario raised, urgent entries first, with counts per state', async () => {
    const page = await signedInPage(scenario.users.county);
    const row = page.locator('tr[data-rule="daily-over-limit"]').first();
    await row.waitFor();
    itemId = (await row.locator('td a').first().textContent()) ?? '';
    // The over-permit intake, and its permit the daily limit's item is about.
    const intake = (await row.locator('td').nth(3).textContent()) ?? '';
    expect(intake).toContain('WEB-O-0');
    expect(intake).toContain(`WEB-P-${scenario.overPermit.intakeId}`);
    expect(itemId).toMatch(/^[0-9]+$/);
    // In Chinese by default: the finding's Chinese half, counts per state.
    await expect(row.locator('td').nth(4).textContent()).resolves.toMatch(/^许可证 .*超过日限额 8000 m³[^/]*$/);
    await expect(page.locator('.counts .chip').first().textContent()).resolves.toMatch(/全部\s*[1-9]/);
    await expect(page.locator('.counts').textContent()).resolves.toContain('待确认');
    await page.screenshot({ path: join(SHOTS, 'review-queue.png'), fullPage: true });
    // A count filters the queue (in the URL): none of this county's items is overdue yet.
    await page.click('.counts .chip:has-text("逾期")');
    await page.waitForSelector('.counts .chip.active:has-text("逾期")');
    expect(page.url()).toContain('overdue=true');
    await expect(page.locator('.entries .empty').textContent()).resolves.toBe('没有符合条件的条目');
    await page.context().close();
  });

  it('lets the county user confirm, start rectifying with an attachment and mark it rectified', async () => {
    const page = await signedInPage(scenario.users.county);
    await page.goto(`${base}/app/#/items/${itemId}`);
    await page.waitForSelector('.item-head .status-raised');
    // The evidence and the charts of daily volumes and readings against the permit.
    await page.waitForSelector('[data-testid=chart-daily] canvas');
    await page.waitForSelector('[data-testid=chart-flow] canvas');
    await expect(page.getByTestId('next-step').textContent()).resolves.toContain('县级');

    await act(page, 'confirm', { note: '核实属实' }, 'confirmed');
    await page.click('.next button:has-text("开始整改")');
    const form = page.locator('form[data-action=startRectifying]');
    await form.locator('[name=measures]').fill('加装流量控制阀，按许可限额取水');
    await form.locator('[name=responsibleUnit]').fill('南关区水利局');
    await form.locator('[name=responsiblePerson]').fill('王五');
    await form.locator('[name=deadline]').fill('2099-06-30');
    await form.locator('input[name=attachments]').setInputFiles({ name: '现场照片.png', mimeType: 'image/png', buffer: png() });
    await form.locator('button[type=submit]').click();
    await page.waitForSelector('.item-head .status-rectifying');
    await expect(page.locator('.history .files a').first().textContent()).resolves.toBe('现场照片.png');

    await act(page, 'markRectified', { evidence: '流量控制阀已安装并验收' }, 'rectified');
    // Whoever marked it rectified does not close it: the level above verifies it.
    await expect(page.getByTestId('next-step').textContent()).resolves.toContain('上级');
    await expect(page.locator('.next button:has-text("核查销号")').count()).resolves.toBe(0);
    await page.screenshot({ path: join(SHOTS, 'review-item.png'), fullPage: true });
    await page.context().close();
  });

  it('shows the map of the county with its intakes, without a base map configured', async () => {
    const page = await signedInPage(scenario.users.county);
    await page.click('nav a[href="#/map"]');
    await page.waitForSelector('[data-testid=map] canvas');
    await expect(page.locator('.legend').textContent()).resolves.toContain('2 个取水口');
    await expect(page.locator('.map-page').textContent()).resolves.toContain('未配置底图');
    await page.screenshot({ path: join(SHOTS, 'review-map.png'), fullPage: true });
    await page.context().close();
  });

  it('lets the city user close it', async () => {
    const page = await signedInPage(scenario.users.city);
    await page.goto(`${base}/app/#/items/${itemId}`);
    await page.waitForSelector('.item-head .status-rectified');
    await act(page, 'close', { note: '现场核查合格，同意销号' }, 'closed');
    await page.context().close();
  });

  it('lets the county submit its rectification table, late, and the city accept it', async () => {
    const county = await signedInPage(scenario.users.county);
    await county.click('nav a[href="#/submissions"]');
    const year = new Date().getFullYear();
    const row = county.locator('tr[data-kind=ledger][data-division="220102"]');
    await row.waitFor();
    // Due on 30 April (the plan's county deadline), and December is past it.
    await expect(row.textContent()).resolves.toContain(`${year}-04-30`);
    await expect(row.getAttribute('data-state')).resolves.toBe('missing');
    await row.locator('button:has-text("报送")').click();
    await county.waitForSelector('tr[data-kind=ledger][data-division="220102"][data-state=late]');
    await county.screenshot({ path: join(SHOTS, 'review-submissions.png'), fullPage: true });
    await county.context().close();

    const city = await signedInPage(scenario.users.city);
    await city.click('nav a[href="#/submissions"]');
    const toReview = city.locator('tr[data-submission]');
    await toReview.waitFor();
    await expect(toReview.textContent()).resolves.toContain('220102');
    await toReview.locator('button:has-text("通过")').click();
    await city.waitForSelector('text=没有待审核的报送');
    await city.context().close();
  });

  it('tells through the API the same history the page showed', async () => {
    const login = await app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { username: scenario.users.city, password: PASSWORD },
    });
    const token = login.json<{ accessToken: string }>().accessToken;
    const res = await app.inject({ url: `/v1/ledger/items/${itemId}`, headers: { authorization: `Bearer ${token}` } });
    const detail = res.json<{
      item: { status: string };
      events: { action: string; actor: string; attachments: { filename: string }[] }[];
    }>();
    expect(detail.item.status).toBe('closed');
    const steps = detail.events.filter((e) => e.action !== 'raised' && e.action !== 'updated');
    expect(steps.map((e) => [e.action, e.actor])).toEqual([
      ['confirmed', `user:${scenario.users.county}`],
      ['rectifying', `user:${scenario.users.county}`],
      ['rectified', `user:${scenario.users.county}`],
      ['closed', `user:${scenario.users.city}`],
    ]);
    expect(steps[1]?.attachments.map((a) => a.filename)).toEqual(['现场照片.png']);

    // The page lists the same events, in the same order.
    const page = await signedInPage(scenario.users.city);
    await page.goto(`${base}/app/#/items/${itemId}`);
    await page.waitForSelector('.item-head .status-closed');
    const shown = await page.locator('.history > li').evaluateAll((els) => els.map((el) => el.getAttribute('data-event')));
    expect(shown).toEqual(detail.events.map((e) => e.action));
    await page.context().close();
  });

  it('does not open the item for a user of another county, not even by its URL', async () => {
    const page = await signedInPage(scenario.users.otherCounty);
    await page.goto(`${base}/app/#/items/${itemId}`);
    await expect(page.locator('.error').textContent()).resolves.toContain('不在你的管辖范围内');
    await expect(page.locator('.item-head').count()).resolves.toBe(0);
    await page.goto(`${base}/app/#/`);
    await page.waitForSelector('.entries');
    await expect(page.locator('tr[data-rule="daily-over-limit"]').count()).resolves.toBe(0);
    await page.context().close();
  });

  it('switches to English and works on a tablet', async () => {
    const page = await signedInPage(scenario.users.county, { width: 820, height: 1180 });
    await page.click('header.top button:has-text("English")');
    await expect(page.locator('header.top nav').textContent()).resolves.toContain('Queue');
    await page.goto(`${base}/app/#/items/${itemId}`);
    await page.waitForSelector('.item-head .status-closed');
    await expect(page.locator('.item-head').textContent()).resolves.toContain('Closed');
    await expect(page.locator('.item-head .summary').textContent()).resolves.toMatch(/^Permit .*daily volume above the limit of 8000 m³/);
    // One column on a tablet: nothing wider than the screen.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(SHOTS, 'review-item-tablet-en.png'), fullPage: true });
    await page.context().close();
  });
});
