package io.lakebase.local;

import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the local Lakebase has seen: API requests by path and identity, tokens issued and logins
 * accepted (in total and by host) or refused. The request log names paths, statuses and identities, never a secret.
 */
public final class Stats {

	static final String POSTGRES_CREDENTIALS_PATH = "/api/2.0/postgres/credentials";

	static final String DATABASE_CREDENTIALS_PATH = "/api/2.0/database/credentials";

	private static final int REQUEST_LOG_LIMIT = 10_000;

	private final Map<String, LongAdder> requestsByPath = new ConcurrentHashMap<>();

	private final Map<String, LongAdder> requestsByIdentity = new ConcurrentHashMap<>();

	private final Map<String, LongAdder> credentialRequestsByIdentity = new ConcurrentHashMap<>();

	private final LongAdder tokensIssued = new LongAdder();

	private final LongAdder loginsAccepted = new LongAdder();

	private final Map<String, LongAdder> loginsAcceptedByHost = new ConcurrentHashMap<>();

	private final LongAdder loginsRejected = new LongAdder();

	private final LongAdder passwordsReceived = new LongAdder();

	private final Deque<String> requestLog = new ConcurrentLinkedDeque<>();

	/**
	 * Returns how many requests reached a path (any method, any outcome).
	 * @param path the request path, such as {@code /api/2.0/postgres/credentials}
	 * @return the count
	 */
	public long requests(String path) {
		return count(this.requestsByPath, path);
	}

	/**
	 * Returns how many authenticated API requests an identity made.
	 * @param identity the client id or email
	 * @return the count
	 */
	public long requestsBy(String identity) {
		return count(this.requestsByIdentity, identity);
	}

	/**
	 * Returns how many credential requests arrived, Autoscaling and Provisioned together, including
	 * the ones answered with an injected fault.
	 * @return the count
	 */
	public long credentialRequests() {
		return requests(POSTGRES_CREDENTIALS_PATH) + requests(DATABASE_CREDENTIALS_PATH);
	}

	/**
	 * Returns how many authenticated credential requests an identity made, including the ones
	 * answered with an injected fault or a throttling 429.
	 * @param identity the client id or email
	 * @return the count
	 */
	public long credentialRequestsBy(String identity) {
		return count(this.credentialRequestsByIdentity, identity);
	}

	/**
	 * Returns how many database credentials were issued.
	 * @return the count
	 */
	public long tokensIssued() {
		return this.tokensIssued.sum();
	}

	/**
	 * Returns how many logins the front accepted.
	 * @return the count
	 */
	public long loginsAccepted() {
		return this.loginsAccepted.sum();
	}

	/**
	 * Returns how many logins the front accepted on one host: the address the client connected to,
	 * as {@link LocalLakebase#host(String)}, {@link LocalLakebase#readOnlyHost(String)} and
	 * {@link LocalLakebase#pooledHost(String)} report it. Computes that share an address share its
	 * count.
	 * @param host the address, such as {@code 127.0.0.2}
	 * @return the count
	 */
	public long loginsAccepted(String host) {
		return count(this.loginsAcceptedByHost, host);
	}

	/**
	 * Returns how many logins the front refused.
	 * @return the count
	 */
	public long loginsRejected() {
		return this.loginsRejected.sum();
	}

	/**
	 * Returns the request log, oldest first: one line per API request or login.
	 * @return a snapshot of the log
	 */
	public List<String> requestLog() {
		return new ArrayList<>(this.requestLog);
	}

	/**
	 * Returns how many password messages clients sent the login front, whatever became of them: a
	 * client that refused the server's certificate sends none.
	 * @return the count
	 */
	public long passwordsReceived() {
		return this.passwordsReceived.sum();
	}

	/**
	 * Clears every count and the log.
	 */
	public void reset() {
		this.requestsByPath.clear();
		this.requestsByIdentity.clear();
		this.credentialRequestsByIdentity.clear();
		this.tokensIssued.reset();
		this.loginsAccepted.reset();
		this.loginsAcceptedByHost.clear();
		this.loginsRejected.reset();
		this.passwordsReceived.reset();
		this.requestLog.clear();
	}

	void recordRequest(String method, String path, int status, String identity) {
		this.requestsByPath.computeIfAbsent(path, (key) -> new LongAdder()).increment();
		if (identity != null) {
			this.requestsByIdentity.computeIfAbsent(identity, (key) -> new LongAdder()).increment();
		}
		log(method + " " + path + " -> " + status + ((identity != null) ? " as " + identity : ""));
	}

	void recordCredentialRequest(String identity) {
		this.credentialRequestsByIdentity.computeIfAbsent(identity, (key) -> new LongAdder()).increment();
	}

	void recordTokenIssued() {
		this.tokensIssued.increment();
	}

	void recordPasswordReceived() {
		this.passwordsReceived.increment();
	}

	void recordLogin(String user, String host, boolean accepted, String reason) {
		(accepted ? this.loginsAccepted : this.loginsRejected).increment();
		if (accepted) {
			this.loginsAcceptedByHost.computeIfAbsent(host, (key) -> new LongAdder()).increment();
		}
		log("LOGIN " + user + " -> " + (accepted ? "accepted" : "refused: " + reason) + " (host " + host + ")");
	}

	private void log(String line) {
		this.requestLog.addLast(line);
		while (this.requestLog.size() > REQUEST_LOG_LIMIT) {
			this.requestLog.pollFirst();
		}
	}

	private static long count(Map<String, LongAdder> counts, String key) {
		LongAdder adder = counts.get(key);
		return (adder != null) ? adder.sum() : 0;
	}

}
