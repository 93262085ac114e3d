fromStream('a-1').when({
  T: function (s, e) {
    s.n = (s.n || 0) + 1;
    if (e.body.getter) Object.defineProperty(s, 'twice', { get: function () { return s.n * 2; } });
  }
});
