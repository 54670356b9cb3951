package io.lakebase.local;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

/**
 * The servers and hosts of what the API creates after start: each created branch runs a server of
 * its own on a copy of its source branch's cluster taken at creation ({@link PostgresBackend#copy}),
 * and each created endpoint gets the next unused loopback address, served by the login front on
 * its port with a certificate from the emulator's CA that names the address. A branch that goes
 * (deleted, replaced or expired) takes its hosts and its server with it; a housekeeper checks
 * expiry every second, so that a branch's TTL frees it even when nobody calls the API.
 * <p>
 * A created branch reaches its own server only: while its copy runs, and once it is gone, it has
 * none, and its endpoints get no host ({@link NoServerException}). Only the branches declared in
 * the builder share the main server.
 */
final class BranchComputes implements AutoCloseable {

	private static final long HOUSEKEEPING_PERIOD_MILLIS = 1_000;

	private final Workspace workspace;

	private final DatabaseServer mainServer;

	private final Path directory;

	private final Set<Integer> reservedPorts;

	private final TlsMaterial tls;

	private final LoginFront front;

	// By the created branch's uid, so that a branch replaced under the same name never finds the
	// server of the branch it replaced.
	private final Map<String, PostgresBackend> servers = new ConcurrentHashMap<>();

	private final Map<String, String> hostByEndpoint = new ConcurrentHashMap<>();

	private final AtomicInteger nextOrdinal;

	private final ScheduledExecutorService housekeeper = Executors
		.newSingleThreadScheduledExecutor(LocalThreads.factory("lakebase-local-branches"));

	BranchComputes(Workspace workspace, DatabaseServer mainServer, Path directory, Set<Integer> reservedPorts,
			TlsMaterial tls, LoginFront front, Hosts hosts) {
		this.workspace = workspace;
		this.mainServer = mainServer;
		this.directory = directory;
		this.reservedPorts = Set.copyOf(reservedPorts);
		this.tls = tls;
		this.front = front;
		this.nextOrdinal = new AtomicInteger(hosts.firstFreeOrdinal());
		workspace.onBranchRemoved((branch, endpoints) -> release(branch, endpoints));
		this.housekeeper.scheduleWithFixedDelay(this::expire, HOUSEKEEPING_PERIOD_MILLIS, HOUSEKEEPING_PERIOD_MILLIS,
				TimeUnit.MILLISECONDS);
	}

	/**
	 * Returns whether branches can get data of their own: only the embedded server can be copied.
	 * @return whether {@link #startBranch} works
	 */
	boolean copiesData() {
		return this.mainServer instanceof PostgresBackend;
	}

	/**
	 * Starts a created branch's server on a copy of its source's cluster, taken now.
	 * @param branch the created branch
	 * @throws NoServerException if the source is a created branch whose copy is not finished, or
	 * that went
	 * @throws IOException if the copy or its start fails
	 */
	void startBranch(Workspace.CreatedBranch branch) throws IOException {
		DatabaseServer server = server(branch.source());
		if (server == null) {
			throw new NoServerException("Branch '" + branch.source() + "' has no server to copy yet");
		}
		if (!(server instanceof PostgresBackend source)) {
			throw new IOException("Only the embedded PostgreSQL server can be copied into a branch");
		}
		PostgresBackend copy = source.copy(this.directory.resolve(branch.uid()), this.reservedPorts);
		if (this.servers.putIfAbsent(branch.uid(), copy) != null
				|| this.workspace.createdBranch(branch.name()) != branch) {
			// Deleted or replaced while it was being copied: this copy belongs to nobody.
			this.servers.remove(branch.uid(), copy);
			closeAndDelete(copy, branch);
		}
	}

	/**
	 * Returns the server a branch's sessions reach: the main one for a branch declared in the
	 * builder (they share it), else the created branch's own.
	 * @param branch the branch name
	 * @return the server, {@code null} for a created branch whose copy is not finished or a branch
	 * that does not exist
	 */
	@Nullable DatabaseServer server(String branch) {
		if (this.workspace.isDeclaredBranch(branch)) {
			return this.mainServer;
		}
		Workspace.CreatedBranch created = this.workspace.createdBranch(branch);
		return (created != null) ? this.servers.get(created.uid()) : null;
	}

	/**
	 * Gives a created endpoint a host of its own, served by the login front from now on.
	 * @param endpoint the endpoint, already in the workspace
	 * @return its address
	 * @throws NoServerException if its branch has no server (its copy is not finished) or went
	 * (deleted, replaced or expired, taking the endpoint with it): no host is left behind
	 * @throws IOException if the address cannot be bound or its certificate cannot be made
	 */
	String startEndpoint(Endpoint endpoint) throws IOException {
		DatabaseServer server = server(endpoint.parent());
		if (server == null) {
			throw new NoServerException("Branch '" + endpoint.parent() + "' has no server yet");
		}
		String address = Hosts.address(this.nextOrdinal.getAndIncrement());
		this.front.addHost(address, server, this.tls.sslContext(List.of(address)), endpoint.readOnly());
		this.hostByEndpoint.put(endpoint.name(), address);
		if (this.workspace.endpoint(endpoint.name()) != endpoint) {
			// Its branch went meanwhile and took the endpoint along, maybe before this host was
			// registered for release to find: stop it here. Once the check passes, a later
			// removal of the branch finds the host.
			if (this.hostByEndpoint.remove(endpoint.name(), address)) {
				this.front.removeHost(address);
			}
			throw new NoServerException("Branch '" + endpoint.parent() + "' went while its endpoint was created");
		}
		return address;
	}

	/**
	 * Returns the host of an endpoint created through the API.
	 * @param endpoint the endpoint name
	 * @return its address, empty for an endpoint declared in the builder
	 */
	Optional<String> host(String endpoint) {
		return Optional.ofNullable(this.hostByEndpoint.get(endpoint));
	}

	/**
	 * Stops serving an endpoint's host: it refuses connections, and its sessions are closed.
	 * @param endpoint the endpoint name, already removed from the workspace
	 */
	void stopEndpoint(String endpoint) {
		String address = this.hostByEndpoint.remove(endpoint);
		if (address != null) {
			this.front.removeHost(address);
		}
	}

	private void expire() {
		try {
			this.workspace.removeExpiredBranches();
		}
		catch (RuntimeException ex) {
			// Keep housekeeping: the next round tries again.
		}
	}

	// The branch is gone from the workspace: its hosts refuse connections, its server stops.
	private void release(Workspace.CreatedBranch branch, List<Endpoint> endpoints) {
		endpoints.forEach((endpoint) -> stopEndpoint(endpoint.name()));
		PostgresBackend server = this.servers.remove(branch.uid());
		if (server != null) {
			closeAndDelete(server, branch);
		}
	}

	private void closeAndDelete(@Nullable PostgresBackend server, Workspace.CreatedBranch branch) {
		try {
			if (server != null) {
				server.close();
			}
		}
		catch (IOException ex) {
			// Best effort: the files go anyway.
		}
		LocalLakebase.deleteRecursively(this.directory.resolve(branch.uid()));
	}

	@Override
	public void close() {
		this.housekeeper.shutdownNow();
		for (Map.Entry<String, String> host : Map.copyOf(this.hostByEndpoint).entrySet()) {
			this.front.removeHost(host.getValue());
		}
		this.hostByEndpoint.clear();
		for (PostgresBackend server : List.copyOf(this.servers.values())) {
			try {
				server.close();
			}
			catch (IOException ex) {
				// Best effort: LocalLakebase removes the work directory next.
			}
		}
		this.servers.clear();
	}

	/**
	 * A created branch has no server to serve or copy: its own copy is not finished, or the branch
	 * went. Never answered with the main server's data instead.
	 */
	static final class NoServerException extends IOException {

		NoServerException(String message) {
			super(message);
		}

	}

}
