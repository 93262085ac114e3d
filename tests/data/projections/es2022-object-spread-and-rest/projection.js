// The reducers of a real codebase, in today's JavaScript: spread to copy, rest to take the remaining fields.
({
  init: () => ({ balance: 0, movements: 0, last: null }),
  apply: (s, e) => {
    const { amount = 0, ...details } = e.body;
    return { ...s, balance: s.balance + amount, movements: s.movements + 1, last: { type: e.eventType, ...details } };
  }
});
