// Amounts in minor units beyond 2^53 kept exact with BigInt; the server stores a BigInt as its decimal text.
fromStream('ledger-1').when({
  $init: () => ({ total: 0n, count: 0 }),
  Posted: (s, e) => {
    // After a partition switch the state comes back from its text: total is then a string.
    const total = typeof s.total === 'bigint' ? s.total : BigInt(s.total);
    return { total: total + BigInt(e.body.minor), count: s.count + 1, kind: typeof s.total, max: 2n ** 64n };
  }
});
