package io.lakebase.jdbc;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A connection that runs an action once when it is closed or aborted, whatever else happens:
 * gives back a connection permit or a user pool's lease. Everything else goes to the connection
 * unchanged, {@code unwrap} included.
 */
final class OnCloseConnection {

	private OnCloseConnection() {
	}

	static Connection wrap(Connection connection, Runnable onClose) {
		AtomicBoolean done = new AtomicBoolean();
		return (Connection) Proxy.newProxyInstance(OnCloseConnection.class.getClassLoader(),
				new Class<?>[] { Connection.class }, (proxy, method, arguments) -> {
					String name = method.getName();
					if (name.equals("equals") && arguments != null && arguments.length == 1) {
						return proxy == arguments[0];
					}
					if (name.equals("hashCode") && method.getParameterCount() == 0) {
						return System.identityHashCode(proxy);
					}
					boolean closing = (name.equals("close") && method.getParameterCount() == 0) || name.equals("abort");
					try {
						return method.invoke(connection, arguments);
					}
					catch (InvocationTargetException ex) {
						throw ex.getCause();
					}
					finally {
						if (closing && done.compareAndSet(false, true)) {
							onClose.run();
						}
					}
				});
	}

}
