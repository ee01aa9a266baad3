/**
 * The server's layers, lowest first (docs/architecture.md draws them). A folder may import
 * its own layer's earlier folders and any lower layer, never a later one: the order is total,
 * so no two folders can import each other both ways (no folder cycles; a cycle of modules
 * inside one folder is that folder's business). `import type` counts too: a type names
 * the folder it comes from. Used by .dependency-cruiser.cjs and by apps/server/src/layers.test.ts.
 */
const LAYERS = [
  // leaves: pure rules and instruments, no other server folder (alerts reads detect's scores);
  // kafka/ is the shared kafkajs set-up (client, topic creation) for ownership/ and ingest/;
  // ownership/ is the Kafka group membership that feeds alerts/ownership.ts
  ['observe', 'detect', 'align', 'alerts', 'kafka', 'ownership'],
  ['store'],
  // settings and history read the store's types and queries
  ['config', 'history'],
  // partial aggregates: pure, what instances publish and merge (evaluate/ merges them into windows)
  ['partials'],
  ['evaluate'],
  ['ingest'],
  // timers and the repair runner: they drive evaluate/ (the count ledger) and nothing above
  ['schedule'],
  ['model'],
  ['watch'],
  ['live'],
  // review digests: built from the wall's state (live/), the stores and the alert channels' settings
  ['digest'],
  // the WebSocket handshake names live/access.ts's LiveAccess
  ['auth'],
  // share links: kept beside auth (its tokens and principal), read by the guard through auth.acceptShares
  ['share'],
  // the monthly report: reads the model, the history query and the feedback and alert stores
  ['report'],
  ['http'],
  // the composition root's parts (store, auth, live count, refresh, kafka, HTTP and upgrades), wired by server.ts
  ['compose'],
  // the commands beside the composition root: server.ts, cli.ts, version.ts, importer/, demo/, store-server/ (northstar store)
  ['importer', 'demo', 'store-server'],
];

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Forbidden rules for a tree rooted at `root` (e.g. 'apps/server/src'), one per folder. */
function layerRules(root) {
  const base = `^${escape(root.replace(/\/$/, ''))}/`;
  const order = LAYERS.flat();
  const rules = order.map((folder, i) => {
    const higher = order.slice(i + 1);
    return {
      name: `layer-${folder}`,
      comment: `${folder}/ sits below ${higher.join(', ')} and the root files: it may not import them`,
      severity: 'error',
      from: { path: `${base}${folder}/` },
      // the composition root and the command line are the top (version.ts is a leaf anyone may read)
      to: { path: `${base}(${higher.map(escape).join('|')}/|server\\.ts$|cli\\.ts$)` },
    };
  });
  rules.push({
    name: 'layer-shared',
    comment: 'packages/shared is below every app: it imports nothing of theirs',
    severity: 'error',
    from: { path: '^packages/shared/' },
    to: { path: '^apps/' },
  });
  return rules;
}

module.exports = { LAYERS, layerRules };
