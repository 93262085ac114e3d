// A string longer than the engine's longest (2^29 - 24 characters, a little over 1 GB of UTF-16) is a RangeError
// at the line that makes it; the process lives on.
fromAll().when({
  Grow: function (s, e) {
    s.size = 'x'.repeat(1 << 30).length;
  },
  Count: function (s, e) { s.n = (s.n || 0) + 1; }
});
