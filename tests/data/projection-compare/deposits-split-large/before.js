// Deposits per account.
fromCategory('account')
  .foreachStream()
  .when({
    $init: () => ({ deposits: 0 }),
    FundsDeposited: (s, e) => { s.deposits += 1; },
  });
