// Demo store: the account fold as a service would write it, { init, apply }. `balance` is in cents.
({
  init: function () {
    return { owner: null, currency: null, balance: 0, overdraftLimitCents: 0, transactions: 0, declined: 0, status: 'new' };
  },
  apply: function (state, event) {
    var d = event.data;
    switch (event.eventType) {
      case 'AccountOpened':
        state.owner = d.owner;
        state.currency = d.currency;
        state.overdraftLimitCents = d.overdraftLimitCents;
        state.status = 'open';
        break;
      case 'FundsDeposited':
        state.balance += d.amountCents;
        state.transactions += 1;
        break;
      case 'FundsWithdrawn':
        state.balance -= d.amountCents;
        state.transactions += 1;
        break;
      case 'WithdrawalDeclined':
        state.declined += 1;
        break;
      case 'OverdraftLimitChanged':
        state.overdraftLimitCents = d.limitCents;
        break;
      case 'AccountClosed':
        state.status = 'closed';
        break;
    }
    return state;
  }
});
