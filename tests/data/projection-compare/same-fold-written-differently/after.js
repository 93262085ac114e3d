// The same fold as a reducer, returning new states with keys in another order and 0.0 for 0: equal by key and by
// value.
({
  init: () => ({ withdrawals: 0.0, deposits: 0 }),
  apply: (s, e) => e.eventType === 'FundsDeposited' ? Object.assign({}, s, { deposits: s.deposits + 1 })
    : e.eventType === 'FundsWithdrawn' ? Object.assign({}, s, { withdrawals: s.withdrawals + 1 }) : s,
})
