import { describe, expect, it } from 'vitest';
import { AdminPageModel } from './AdminPageModel.svelte.ts';

/** A page whose "server" is a list in memory: reads fail while `down` is set. */
class ListPage extends AdminPageModel {
  readonly server: string[] = [];
  shown: string[] = [];
  reads = 0;
  down = false;

  protected async read(): Promise<void> {
    this.reads++;
    if (this.down) throw new Error('server unreachable');
    this.shown = [...this.server];
  }

  add(item: string): Promise<boolean> {
    return this.run(async () => {
      if (item === '') throw new Error('an item needs a name');
      this.server.push(item);
    }, `${item} added.`);
  }
}

describe('an admin page model', () => {
  it('loads what the server holds, and says why when it cannot', async () => {
    const page = new ListPage();
    page.down = true;
    await page.load();
    expect(page.error).toBe('server unreachable');
    page.down = false;
    page.server.push('a');
    await page.load();
    expect(page.error).toBeNull();
    expect(page.shown).toEqual(['a']);
  });

  it('reloads after a write the server took and shows its notice; a refused write keeps the page and shows the error', async () => {
    const page = new ListPage();
    expect(await page.add('a')).toBe(true);
    expect(page.notice).toBe('a added.');
    expect(page.shown).toEqual(['a']);
    const reads = page.reads;
    expect(await page.add('')).toBe(false);
    expect(page.error).toBe('an item needs a name');
    expect(page.notice).toBeNull();
    expect(page.reads).toBe(reads);
    expect(await page.add('b')).toBe(true);
    expect(page.error).toBeNull();
    expect(page.shown).toEqual(['a', 'b']);
  });
});
