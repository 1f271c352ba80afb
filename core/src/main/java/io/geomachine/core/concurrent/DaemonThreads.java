package io.geomachine.core.concurrent;

import java.util.concurrent.ThreadFactory;

/**
 * The platform's helper threads (stream readers, sweepers, timers): daemons, so none of them ever
 * keeps a JVM from exiting, each named for what it does (thread dumps and profiles show the name).
 */
public final class DaemonThreads {
  private DaemonThreads() {}

  /** A factory of daemon threads called {@code name}, for an executor. */
  public static ThreadFactory named(String name) {
    return work -> {
      Thread t = new Thread(work, name);
      t.setDaemon(true);
      return t;
    };
  }

  /** Starts {@code work} on a daemon thread called {@code name}. */
  public static Thread start(String name, Runnable work) {
    Thread t = named(name).newThread(work);
    t.start();
    return t;
  }
}
