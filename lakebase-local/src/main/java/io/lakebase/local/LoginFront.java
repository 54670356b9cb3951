package io.lakebase.local;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import org.jspecify.annotations.Nullable;

/**
 * The Lakebase-like login front: a PostgreSQL wire-protocol server that takes the login itself
 * (user = identity, password = database credential), then hands the session to the embedded
 * PostgreSQL server and relays bytes both ways. Token expiry is checked at login only, as on
 * Lakebase, so an open session outlives its token.
 * <p>
 * It listens on one port of every loopback address of {@link Hosts}, one per compute, and knows a
 * session's compute by the local address the client connected to. Sessions on a read-only address
 * start with {@code default_transaction_read_only=on}, so that writes fail with {@code 25006} as on
 * a hot standby; unlike a standby, a session may still {@code SET default_transaction_read_only =
 * off}, and it reads the primary's data at once, as all hosts share one database. Every session
 * has {@code lakebase_local.host} set to the host the client dialled, so that a test can tell
 * which compute served a statement.
 * <p>
 * Hosts added after start ({@link #addHost}: the endpoints of branches created through the API)
 * listen on the same port of a new loopback address, present a certificate of their own from the
 * same CA, and relay to their branch's own server. A session keeps the route of the socket that
 * accepted it (server, certificate, read-only) from start to end: a host removed meanwhile closes
 * the session, which never falls back to another host's server.
 * <p>
 * Sessions on a pooled host behave like those of PgBouncer in transaction mode in the one way
 * clients most often trip over: they keep no prepared statement, so a Parse that names one fails
 * with {@code 26000}. Other session state (settings, advisory locks, SQL {@code PREPARE}) still
 * lasts as long as the session, as each pooled session has a database session of its own.
 */
final class LoginFront implements AutoCloseable {

	private static final int SSL_REQUEST = 80877103;

	private static final int GSSENC_REQUEST = 80877104;

	private static final int CANCEL_REQUEST = 80877102;

	private static final int PROTOCOL_3 = 3;

	private static final int AUTH_OK = 0;

	private static final int AUTH_CLEARTEXT = 3;

	// A free port on 127.0.0.1 can be taken on another loopback address: try a few free ports.
	private static final int BIND_ATTEMPTS = 5;

	private static final int RELAY_BUFFER_SIZE = 16 * 1024;

	private final Workspace workspace;

	private final Faults faults;

	private final Stats stats;

	private final boolean plaintextAllowed;

	private final Duration resumeDelay;

	private final Hosts hosts;

	private final List<ServerSocket> serverSockets;

	private final ExecutorService threads = Executors.newCachedThreadPool(LocalThreads.factory("lakebase-local-front"));

	private final Set<Session> sessions = ConcurrentHashMap.newKeySet();

	// Every host served, by address: those of the builder share the main server and certificate;
	// those added after start (the endpoints of created branches) have their branch's server and a
	// certificate naming them. A session whose route is no longer here is closed.
	private final Map<String, Route> routes = new ConcurrentHashMap<>();

	private volatile boolean suspended;

	private volatile boolean closed;

	LoginFront(Workspace workspace, Faults faults, Stats stats, DatabaseServer backend,
			@Nullable SSLContext sslContext, Hosts hosts, boolean plaintextAllowed, Duration resumeDelay, int port)
			throws IOException {
		this.workspace = workspace;
		this.faults = faults;
		this.stats = stats;
		this.hosts = hosts;
		this.plaintextAllowed = plaintextAllowed;
		this.resumeDelay = resumeDelay;
		List<String> addresses = hosts.addresses();
		this.serverSockets = bindAll(addresses, port);
		for (int i = 0; i < this.serverSockets.size(); i++) {
			String address = addresses.get(i);
			Route route = new Route(address, this.serverSockets.get(i), backend, sslContext,
					hosts.isReadOnly(address));
			this.routes.put(address, route);
			this.threads.execute(() -> acceptLoop(route));
		}
	}

	/**
	 * Returns whether this machine can listen on a loopback address at all (macOS has only
	 * {@code 127.0.0.1} unless others are aliased).
	 * @param address the address
	 * @return whether a free port of it can be bound
	 */
	static boolean canBind(String address) {
		try (ServerSocket socket = new ServerSocket()) {
			socket.bind(new InetSocketAddress(InetAddress.getByName(address), 0), 1);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	/**
	 * Binds one port on every address: the given port, or a free port of the first address that is
	 * free on the others too.
	 */
	private static List<ServerSocket> bindAll(List<String> addresses, int port) throws IOException {
		for (int attempt = 1;; attempt++) {
			List<ServerSocket> bound = new ArrayList<>();
			String address = addresses.get(0);
			try {
				int chosen = port;
				for (String each : addresses) {
					address = each;
					bound.add(bind(address, chosen));
					chosen = bound.get(0).getLocalPort();
				}
				return bound;
			}
			catch (BindException ex) {
				for (ServerSocket socket : bound) {
					socket.close();
				}
				if (port != 0) {
					throw new BindException("Port " + port + " of the login front is in use"
							+ (address.equals(Hosts.PRIMARY) ? "" : " on " + address));
				}
				if (attempt == BIND_ATTEMPTS) {
					throw new BindException("No port of the login front was free on every one of " + addresses
							+ " after " + BIND_ATTEMPTS + " attempts");
				}
			}
		}
	}

	private static ServerSocket bind(String address, int port) throws IOException {
		ServerSocket socket = new ServerSocket();
		try {
			socket.setReuseAddress(true);
			socket.bind(new InetSocketAddress(InetAddress.getByName(address), port), 128);
			return socket;
		}
		catch (IOException | RuntimeException ex) {
			socket.close();
			throw ex;
		}
	}

	int port() {
		return this.serverSockets.get(0).getLocalPort();
	}

	boolean isSuspended() {
		return this.suspended;
	}

	/**
	 * Scales the compute to zero: every session is closed and the next login pays the resume delay.
	 */
	void suspend() {
		this.suspended = true;
		closeSessions();
	}

	/**
	 * Closes every open session, as a server restart does.
	 */
	void closeSessions() {
		for (Session session : this.sessions) {
			session.close();
		}
	}

	/**
	 * Closes every open session on one host, as a failed compute does.
	 * @param host the local address the sessions' clients connected to
	 */
	void closeSessions(String host) {
		for (Session session : this.sessions) {
			if (session.host.equals(host)) {
				session.close();
			}
		}
	}

	/**
	 * Starts serving a host added after start: the front's port on a new loopback address, whose
	 * sessions go to a server of their own.
	 * @param address the loopback address, not served yet
	 * @param server the server its sessions reach
	 * @param sslContext the TLS context whose certificate names the address
	 * @param readOnly whether its sessions start read-only
	 * @throws IOException if the address cannot be bound on the front's port
	 */
	void addHost(String address, DatabaseServer server, @Nullable SSLContext sslContext, boolean readOnly)
			throws IOException {
		ServerSocket socket;
		try {
			socket = bind(address, port());
		}
		catch (BindException ex) {
			throw new BindException("Port " + port() + " of the login front cannot be bound on " + address
					+ " (on macOS: sudo ifconfig lo0 alias " + address + ")");
		}
		Route route = new Route(address, socket, server, sslContext, readOnly);
		this.routes.put(address, route);
		this.threads.execute(() -> acceptLoop(route));
	}

	/**
	 * Stops serving a host added after start: it refuses connections, and its sessions are closed.
	 * @param address the loopback address
	 */
	void removeHost(String address) {
		Route route = this.routes.remove(address);
		if (route != null) {
			try {
				route.socket().close();
			}
			catch (IOException ex) {
				// Closing is best effort.
			}
			closeSessions(address);
		}
	}

	@Override
	public void close() throws IOException {
		this.closed = true;
		for (ServerSocket serverSocket : this.serverSockets) {
			serverSocket.close();
		}
		for (String address : List.copyOf(this.routes.keySet())) {
			removeHost(address);
		}
		closeSessions();
		this.threads.shutdownNow();
	}

	private void acceptLoop(Route route) {
		ServerSocket serverSocket = route.socket();
		while (!this.closed) {
			try {
				Socket socket = serverSocket.accept();
				socket.setTcpNoDelay(true);
				this.threads.execute(() -> serve(socket, route));
			}
			catch (IOException ex) {
				if (this.closed || serverSocket.isClosed()) {
					return;
				}
			}
		}
	}

	private void serve(Socket client, Route route) {
		Session session = new Session(client, route);
		try {
			// Accepted just as its host was removed: closed, as the host now refuses connections.
			if (isServed(session)) {
				login(session);
			}
		}
		catch (IOException ex) {
			// The client went away or broke the protocol: nothing to answer.
		}
		finally {
			if (!session.relaying) {
				session.close();
				this.sessions.remove(session);
			}
		}
	}

	private void login(Session session) throws IOException {
		Map<String, String> parameters = readStartup(session);
		if (parameters == null) {
			return;
		}
		String user = parameters.get("user");
		if (this.faults.isHostDown(session.host)) {
			// Before authentication, as a server that is down or still starting answers.
			refuse(session, (user != null) ? user : "", "57P03", "the database system is not accepting connections");
			return;
		}
		if (user == null || user.isEmpty()) {
			refuse(session, "", "28000", "no PostgreSQL user name specified in startup packet");
			return;
		}
		if (!session.tls && !this.plaintextAllowed) {
			refuse(session, user, "08P01", "Invalid protocol version. Ensure that connection is using SSL.");
			return;
		}
		session.clientOut.write(message('R', ByteBuffer.allocate(4).putInt(AUTH_CLEARTEXT).array()));
		session.clientOut.flush();
		byte[] passwordMessage = readMessage(session.clientIn, 'p');
		this.stats.recordPasswordReceived();
		String password = cString(passwordMessage, 0);
		if (this.faults.areLoginsRejected()) {
			refuse(session, user, "28P01", "password authentication failed for user \"" + user + "\"");
			return;
		}
		DatabaseTokens.Verdict verdict = this.workspace.databaseTokens().check(user, password);
		if (verdict == DatabaseTokens.Verdict.NOT_A_JWT) {
			refuse(session, user, "28P01", "Provided authentication token is not a valid JWT encoding");
			return;
		}
		if (verdict != DatabaseTokens.Verdict.VALID) {
			refuse(session, user, "28P01", "password authentication failed for user \"" + user + "\"",
					verdict.name().toLowerCase());
			return;
		}
		if (this.suspended) {
			// Scale to zero: the first login after a suspend waits for the compute to resume.
			sleep(this.resumeDelay);
			this.suspended = false;
		}
		connectBackend(session, user);
	}

	private @Nullable Map<String, String> readStartup(Session session) throws IOException {
		while (true) {
			int length = session.clientIn.readInt();
			if (length < 8 || length > 10_000) {
				throw new IOException("Bad startup packet length " + length);
			}
			int code = session.clientIn.readInt();
			byte[] body = new byte[length - 8];
			session.clientIn.readFully(body);
			if (code == SSL_REQUEST) {
				SSLContext context = session.route.sslContext();
				boolean accept = context != null && !session.tls;
				session.clientOut.write(accept ? 'S' : 'N');
				session.clientOut.flush();
				if (accept) {
					session.startTls(context);
				}
			}
			else if (code == GSSENC_REQUEST) {
				session.clientOut.write('N');
				session.clientOut.flush();
			}
			else if (code == CANCEL_REQUEST) {
				forwardCancel(session.route, body);
				return null;
			}
			else if ((code >>> 16) == PROTOCOL_3) {
				Map<String, String> parameters = parseParameters(body);
				session.startupPacket = backendStartupPacket(code, parameters, session.host,
						session.route.readOnly());
				return parameters;
			}
			else {
				refuse(session, "", "08P01", "unsupported frontend protocol " + (code >>> 16) + "." + (code & 0xFFFF));
				return null;
			}
		}
	}

	/**
	 * The client's startup packet with {@code lakebase_local.host} set to the host the client
	 * dialled (so that {@code current_setting('lakebase_local.host')} tells which compute serves a
	 * session) and, on a read-only host, {@code default_transaction_read_only=on}, which the server
	 * applies after the client's own {@code options}, so that the session starts read-only.
	 */
	private static byte[] backendStartupPacket(int code, Map<String, String> parameters, String host,
			boolean readOnly) {
		Map<String, String> backend = new LinkedHashMap<>(parameters);
		backend.remove(LocalLakebase.HOST_SETTING);
		backend.put(LocalLakebase.HOST_SETTING, host);
		if (readOnly) {
			backend.remove("default_transaction_read_only");
			backend.put("default_transaction_read_only", "on");
		}
		ByteArrayOutputStream body = new ByteArrayOutputStream();
		backend.forEach((key, value) -> {
			body.writeBytes(key.getBytes(StandardCharsets.UTF_8));
			body.write(0);
			body.writeBytes(value.getBytes(StandardCharsets.UTF_8));
			body.write(0);
		});
		body.write(0);
		return ByteBuffer.allocate(8 + body.size()).putInt(8 + body.size()).putInt(code).put(body.toByteArray()).array();
	}

	private void connectBackend(Session session, String user) throws IOException {
		if (!isServed(session)) {
			// The host was removed during this login: the session is closed, as the host now
			// refuses connections.
			this.stats.recordLogin(user, session.host, false, "the host is no longer served");
			return;
		}
		DatabaseServer server = session.route.server();
		Socket backendSocket = new Socket();
		try {
			backendSocket.connect(new InetSocketAddress(server.host(), server.port()), 5_000);
		}
		catch (IOException ex) {
			backendSocket.close();
			refuse(session, user, "57P03", "the database system is not yet accepting connections");
			return;
		}
		backendSocket.setTcpNoDelay(true);
		session.backend = backendSocket;
		DataInputStream backendIn = new DataInputStream(backendSocket.getInputStream());
		OutputStream backendOut = backendSocket.getOutputStream();
		backendOut.write(session.startupPacket);
		backendOut.flush();
		while (true) {
			int type = backendIn.read();
			if (type < 0) {
				throw new EOFException("The database closed the connection during login");
			}
			int length = backendIn.readInt();
			byte[] body = new byte[length - 4];
			backendIn.readFully(body);
			if (type == 'R') {
				int auth = ByteBuffer.wrap(body).getInt();
				if (auth == AUTH_CLEARTEXT) {
					byte[] secret = (server.internalPassword() + "\0").getBytes(StandardCharsets.UTF_8);
					backendOut.write(message('p', secret));
					backendOut.flush();
					continue;
				}
				if (auth != AUTH_OK) {
					refuse(session, user, "28000", "unexpected authentication request from the database");
					return;
				}
			}
			if (type == 'E') {
				if ("28P01".equals(errorField(body, 'C'))) {
					// The internal password is right for every role the emulator made, so the database
					// refusing it means the identity has no role: say so, as Lakebase does.
					refuse(session, user, "28000", "role \"" + user + "\" does not exist");
				}
				else {
					session.clientOut.write(message((char) type, body));
					session.clientOut.flush();
					this.stats.recordLogin(user, session.host, false, errorField(body, 'M'));
				}
				return;
			}
			if (type == 'Z') {
				// Counted and registered before the client sees its login done, so that whatever the
				// client does next (read the stats, take the host down) finds this session.
				this.sessions.add(session);
				if (this.faults.isHostDown(session.host)) {
					// The host went down during this login, after the sessions on it were closed.
					this.stats.recordLogin(user, session.host, false, "the host went down");
					return;
				}
				if (!isServed(session)) {
					// The host was removed during this login, after the sessions on it were closed.
					this.stats.recordLogin(user, session.host, false, "the host is no longer served");
					return;
				}
				this.stats.recordLogin(user, session.host, true, "");
			}
			session.clientOut.write(message((char) type, body));
			if (type == 'K') {
				session.cancelKey = body;
			}
			if (type == 'Z') {
				session.clientOut.flush();
				break;
			}
		}
		relay(session, backendIn, backendOut);
	}

	private void relay(Session session, InputStream backendIn, OutputStream backendOut) {
		session.relaying = true;
		if (this.hosts.isPooled(session.host)) {
			this.threads.execute(() -> pumpPooled(session, session.clientIn, backendOut));
		}
		else {
			this.threads.execute(() -> pump(session, session.clientIn, backendOut));
		}
		this.threads.execute(() -> pump(session, backendIn, session.clientOut));
	}

	private void pump(Session session, InputStream from, OutputStream to) {
		byte[] buffer = new byte[RELAY_BUFFER_SIZE];
		try {
			int read;
			while ((read = from.read(buffer)) >= 0) {
				to.write(buffer, 0, read);
				to.flush();
			}
		}
		catch (IOException ex) {
			// One side closed: the session is over.
		}
		finally {
			session.close();
			this.sessions.remove(session);
		}
	}

	/**
	 * Relays a pooled session's messages to the database one by one, keeping no prepared
	 * statement: a Parse that names one is replaced by a Describe of that name, which the database
	 * answers in the Parse's place with {@code 26000 prepared statement "..." does not exist} and
	 * then skips the client's messages up to its Sync, as after a failed Parse. The database makes
	 * every answer, so the relay back to the client stays a plain byte stream.
	 */
	private void pumpPooled(Session session, InputStream from, OutputStream to) {
		DataInputStream in = new DataInputStream(new BufferedInputStream(from, RELAY_BUFFER_SIZE));
		DataOutputStream out = new DataOutputStream(new BufferedOutputStream(to, RELAY_BUFFER_SIZE));
		byte[] buffer = new byte[RELAY_BUFFER_SIZE];
		try {
			int type;
			while ((type = in.read()) >= 0) {
				int length = in.readInt();
				if (length < 4) {
					throw new IOException("Bad message length " + length);
				}
				if (type == 'P') {
					byte[] statement = readStatementName(in, length - 4);
					if (statement.length > 0) {
						in.skipNBytes(length - 4 - statement.length - 1);
						out.writeByte('D');
						out.writeInt(4 + 1 + statement.length + 1);
						out.writeByte('S');
						out.write(statement);
						out.writeByte(0);
					}
					else {
						out.writeByte(type);
						out.writeInt(length);
						out.writeByte(0);
						copy(in, out, length - 5, buffer);
					}
				}
				else {
					out.writeByte(type);
					out.writeInt(length);
					copy(in, out, length - 4, buffer);
				}
				// Whole messages, sent on as soon as the client pauses: it may be waiting for an answer.
				if (in.available() == 0) {
					out.flush();
				}
			}
		}
		catch (IOException ex) {
			// One side closed or the client broke the protocol: the session is over.
		}
		finally {
			session.close();
			this.sessions.remove(session);
		}
	}

	// The name a Parse message starts with, empty for the unnamed statement.
	private static byte[] readStatementName(DataInputStream in, int bodyLength) throws IOException {
		ByteArrayOutputStream name = new ByteArrayOutputStream();
		for (int read = 0; read < bodyLength; read++) {
			int next = in.readUnsignedByte();
			if (next == 0) {
				return name.toByteArray();
			}
			name.write(next);
		}
		throw new IOException("Parse message without a statement name");
	}

	private static void copy(InputStream in, OutputStream out, int length, byte[] buffer) throws IOException {
		int left = length;
		while (left > 0) {
			int read = in.read(buffer, 0, Math.min(left, buffer.length));
			if (read < 0) {
				throw new EOFException("The connection closed within a message");
			}
			out.write(buffer, 0, read);
			left -= read;
		}
	}

	// Whether the host a session was accepted on is still served, by the route it was accepted with.
	private boolean isServed(Session session) {
		return this.routes.get(session.route.address()) == session.route;
	}

	private void forwardCancel(Route route, byte[] body) {
		// Only cancel keys handed out through this front are forwarded, as a real server checks them,
		// and only to the server behind the host the request came to.
		DatabaseServer server = route.server();
		for (Session session : this.sessions) {
			if (session.cancelKey != null && Arrays.equals(session.cancelKey, body)
					&& session.route.server() == server) {
				try (Socket socket = new Socket(server.host(), server.port())) {
					socket.getOutputStream()
						.write(ByteBuffer.allocate(8 + body.length)
							.putInt(8 + body.length)
							.putInt(CANCEL_REQUEST)
							.put(body)
							.array());
					socket.getOutputStream().flush();
					socket.getInputStream().read();
				}
				catch (IOException ex) {
					// A cancel is best effort, as in PostgreSQL itself.
				}
				return;
			}
		}
	}

	private void refuse(Session session, String user, String sqlState, String text) throws IOException {
		refuse(session, user, sqlState, text, text);
	}

	private void refuse(Session session, String user, String sqlState, String text, String reason) throws IOException {
		this.stats.recordLogin(user, session.host, false, reason);
		ByteArrayOutputStream fields = new ByteArrayOutputStream();
		field(fields, 'S', "FATAL");
		field(fields, 'V', "FATAL");
		field(fields, 'C', sqlState);
		field(fields, 'M', text);
		fields.write(0);
		session.clientOut.write(message('E', fields.toByteArray()));
		session.clientOut.flush();
	}

	private static void field(ByteArrayOutputStream out, char type, String value) {
		out.write(type);
		out.writeBytes(value.getBytes(StandardCharsets.UTF_8));
		out.write(0);
	}

	private static String errorField(byte[] body, char wanted) {
		int position = 0;
		while (position < body.length && body[position] != 0) {
			char type = (char) body[position];
			String value = cString(body, position + 1);
			if (type == wanted) {
				return value;
			}
			position += 1 + value.getBytes(StandardCharsets.UTF_8).length + 1;
		}
		return "";
	}

	private static byte[] message(char type, byte[] body) {
		return ByteBuffer.allocate(1 + 4 + body.length).put((byte) type).putInt(4 + body.length).put(body).array();
	}

	private static byte[] readMessage(DataInputStream in, char expectedType) throws IOException {
		int type = in.read();
		if (type != expectedType) {
			throw new IOException("Expected message '" + expectedType + "' but got " + type);
		}
		int length = in.readInt();
		if (length < 4 || length > 65_536) {
			throw new IOException("Bad message length " + length);
		}
		byte[] body = new byte[length - 4];
		in.readFully(body);
		return body;
	}

	private static Map<String, String> parseParameters(byte[] body) {
		Map<String, String> parameters = new LinkedHashMap<>();
		int position = 0;
		while (position < body.length && body[position] != 0) {
			String key = cString(body, position);
			position += key.getBytes(StandardCharsets.UTF_8).length + 1;
			String value = cString(body, position);
			position += value.getBytes(StandardCharsets.UTF_8).length + 1;
			parameters.put(key, value);
		}
		return parameters;
	}

	private static String cString(byte[] bytes, int offset) {
		int end = offset;
		while (end < bytes.length && bytes[end] != 0) {
			end++;
		}
		return new String(bytes, offset, end - offset, StandardCharsets.UTF_8);
	}

	private static void sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * A host served: its address and listening socket, the server its sessions reach, the TLS
	 * context whose certificate names it, and whether its sessions start read-only.
	 */
	private record Route(String address, ServerSocket socket, DatabaseServer server,
			@Nullable SSLContext sslContext, boolean readOnly) {
	}

	/**
	 * One client connection: the host it reached and the route it was accepted with, its streams
	 * (plain, then TLS once negotiated), the backend socket and the cancel key the backend handed
	 * out.
	 */
	private static final class Session {

		private final String host;

		private final Route route;

		private Socket client;

		private DataInputStream clientIn;

		private OutputStream clientOut;

		private boolean tls;

		private byte[] startupPacket = new byte[0];

		private volatile @Nullable Socket backend;

		private volatile byte @Nullable [] cancelKey;

		private volatile boolean relaying;

		Session(Socket client, Route route) {
			this.host = client.getLocalAddress().getHostAddress();
			this.route = route;
			this.client = client;
			try {
				this.clientIn = new DataInputStream(client.getInputStream());
				this.clientOut = client.getOutputStream();
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
		}

		void startTls(SSLContext context) throws IOException {
			SSLSocket socket = (SSLSocket) context.getSocketFactory()
				.createSocket(this.client, this.client.getInetAddress().getHostAddress(), this.client.getPort(), true);
			socket.setUseClientMode(false);
			socket.startHandshake();
			this.client = socket;
			this.clientIn = new DataInputStream(socket.getInputStream());
			this.clientOut = socket.getOutputStream();
			this.tls = true;
		}

		void close() {
			closeQuietly(this.client);
			closeQuietly(this.backend);
		}

		private static void closeQuietly(@Nullable Socket socket) {
			if (socket != null) {
				try {
					socket.close();
				}
				catch (IOException | RuntimeException ex) {
					// Closing is best effort.
				}
			}
		}

	}

}
