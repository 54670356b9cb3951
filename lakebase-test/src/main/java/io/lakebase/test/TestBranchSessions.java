package io.lakebase.test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Ends the run's branches when the JUnit Platform's launcher session ends: a test run's true end.
 * Maven Surefire and Failsafe open one session per JVM but, with forks ({@code forkCount} above
 * 1), execute each class on its own, so the end of an execution is the end of one class, not of
 * the run. Registered with {@link java.util.ServiceLoader}. Sessions may nest (a launcher run from
 * a test): a branch is released with the innermost session open when it was taken. Without a
 * session (an engine run on its own) the extension ends the run's branches with the execution.
 *
 * @since 0.1.0
 */
public class TestBranchSessions implements LauncherSessionListener {

	private static final Deque<List<Runnable>> open = new ArrayDeque<>();

	@Override
	public void launcherSessionOpened(LauncherSession session) {
		synchronized (open) {
			open.push(new ArrayList<>());
		}
	}

	@Override
	public void launcherSessionClosed(LauncherSession session) {
		List<Runnable> due;
		synchronized (open) {
			due = open.isEmpty() ? List.of() : open.pop();
		}
		due.forEach(Runnable::run);
	}

	/**
	 * Adds what to release when the innermost open session ends.
	 * @param release the release
	 * @return whether a session is open and took it
	 */
	static boolean releaseAtEnd(Runnable release) {
		synchronized (open) {
			if (open.isEmpty()) {
				return false;
			}
			open.peek().add(release);
			return true;
		}
	}

}
