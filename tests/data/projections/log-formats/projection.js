log('declared');
fromStream('a-1').when({
  T: function (s, e) {
    log('a');
    log({ x: 1 });
    log('a', 1, { y: 2 }, 'b', { z: 3 });
  }
});
