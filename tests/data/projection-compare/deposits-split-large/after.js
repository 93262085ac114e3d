// Deposits per account, large ones (400.00 and up) counted apart.
fromCategory('account')
  .foreachStream()
  .when({
    $init: () => ({ deposits: 0, large: 0 }),
    FundsDeposited: (s, e) => {
      if (e.body.amountCents >= 40000) s.large += 1;
      else s.deposits += 1;
    },
  });
