fromStream('wallet-42').when({
  $init: function () { return { balance: 0, open: false }; },
  WalletOpened: function (s, e) { s.open = true; s.owner = e.body.owner; },
  Credited: function (s, e) { s.balance += e.body.amount; },
  Debited: function (s, e) { return { balance: s.balance - e.body.amount, open: s.open, owner: s.owner }; },
  WalletClosed: function (s, e) { return null; }
});
