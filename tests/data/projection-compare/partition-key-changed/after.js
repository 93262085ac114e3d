// Keyed in lower case now: every old partition disappears and a new one appears.
fromCategory('account')
  .partitionBy(e => e.body.currency.toLowerCase())
  .when({
    $init: () => ({ opened: 0 }),
    AccountOpened: (s, e) => { s.opened += 1; },
  });
