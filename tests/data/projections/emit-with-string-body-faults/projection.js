fromAll().when({
  A: function (s, e) {
    s.before = true;
    emit('out-1', 'T', 'not an object');
  }
});
