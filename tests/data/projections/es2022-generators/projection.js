function* pairs(list) {
  for (let i = 0; i + 1 < list.length; i += 2) yield [list[i], list[i + 1]];
}
fromAll().when({
  $init: () => ({ sums: [] }),
  Readings: (s, e) => {
    for (const [a, b] of pairs(e.body.values)) s.sums.push(a + b);
    const it = pairs([1, 2])[Symbol.iterator]();
    s.protocol = typeof it.next;
  }
});
