fromStream('a-1').when({
  T: function (s, e) {
    Object.defineProperty(s, 'hidden', { value: 'kept', enumerable: false, writable: true });
    s.shown = 1;
  }
});
