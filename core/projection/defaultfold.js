// EventScope's default fold: what time travel runs on a stream until a projection is picked for its category, so
// that a store with no projections yet shows its events and what each one changed at once. Each event's data (a
// JSON object) is merged into `data`, key by key; `eventTypes` counts the events of each type.
fromAll().when({
    $init: function () {
        return { data: {}, eventTypes: {} };
    },
    $any: function (state, event) {
        if (event.body !== null && typeof event.body === 'object' && !Array.isArray(event.body))
            Object.assign(state.data, event.body);
        state.eventTypes[event.eventType] = (state.eventTypes[event.eventType] || 0) + 1;
        return state;
    }
});
