// The reference's table for values JSON cannot hold: a Date, Map or Set is written as {} (no toJSON), undefined
// properties are left out and become null in arrays, NaN and Infinity become null, a BigInt its decimal text. While
// the partition stays the same the handler gets its live values back; after another partition's event, what the
// text holds.
fromAll().foreachStream().when({
  $init: function () { return { history: [] }; },
  T: function (s, e) {
    s.history.push({ date: s.d instanceof Date, big: typeof s.big, nanIsNaN: Number.isNaN(s.nan), map: s.map instanceof Map });
    s.d = new Date(0);
    s.big = 10n;
    s.nan = NaN;
    s.inf = -Infinity;
    s.u = undefined;
    s.list = [1, undefined, NaN, 2n];
    s.map = new Map([[1, 2]]);
  }
});
