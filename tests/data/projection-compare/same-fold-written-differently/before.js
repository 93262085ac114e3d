fromCategory('account')
  .foreachStream()
  .when({
    $init: function () { return { deposits: 0, withdrawals: 0 }; },
    FundsDeposited: function (s, e) { s.deposits += 1; },
    FundsWithdrawn: function (s, e) { s.withdrawals += 1; },
  });
