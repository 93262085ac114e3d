// Accounts opened per currency.
fromCategory('account')
  .partitionBy(e => e.body.currency)
  .when({
    $init: () => ({ opened: 0 }),
    AccountOpened: (s, e) => { s.opened += 1; },
  });
