// A Map or a Set lives while consecutive events stay in one partition; stored, it is written as {} (its own
// properties), so after another partition's event it comes back as {}.
fromCategory('team').foreachStream().when({
  $init: () => ({ members: new Set(), roles: new Map() }),
  Joined: (s, e) => {
    const live = s.members instanceof Set;
    if (live) {
      s.members.add(e.body.name);
      s.roles.set(e.body.name, e.body.role);
    }
    s.seen = [...(s.seen ?? []), { name: e.body.name, liveSet: live, size: live ? s.members.size : null }];
  }
});
