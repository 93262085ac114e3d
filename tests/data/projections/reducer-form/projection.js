// The fold a service uses, pasted as it is: one state per stream.
var reducer = {
  init: function () { return { count: 0, last: null }; },
  apply: function (state, event) {
    return { count: state.count + 1, last: event.eventType };
  }
};
reducer;
