package dev.shrink.minify;

/** Drops the files no runtime reads (see {@link Unread}); only where the command runs Python. */
record DropUnread() implements Step {
  @Override
  public void apply(Selection s) {
    if (s.python != null) {
      Unread.Result unread = Unread.drop(s.files, s.pycTag());
      s.files = unread.kept();
      s.dropped.putAll(unread.dropped());
    }
  }
}
