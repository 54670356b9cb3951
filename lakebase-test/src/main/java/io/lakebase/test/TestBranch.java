package io.lakebase.test;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import com.databricks.sdk.WorkspaceClient;
import io.lakebase.jdbc.LakebaseDataSource;
import io.lakebase.jdbc.LakebaseWorkspaceClients;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;

/**
 * A branch made for tests ({@link TestBranches#create}): its name, its read-write compute and
 * that compute's host, a {@link #dataSource() pooled DataSource} on it, and the
 * {@link #springProperties() properties} that point the starter at it. Closing it deletes the
 * branch (unless {@code lakebase.test.keep}); its TTL deletes it if nothing does.
 *
 * @since 0.1.0
 */
public final class TestBranch implements AutoCloseable {

	private final TestBranchSettings settings;

	private final WorkspaceClient client;

	private final String name;

	private final String endpoint;

	private final String host;

	private final @Nullable Instant expireTime;

	private Duration readyIn = Duration.ZERO;

	private @Nullable LakebaseDataSource dataSource;

	private boolean closed;

	TestBranch(TestBranchSettings settings, WorkspaceClient client, String name, String endpoint, String host,
			@Nullable Instant expireTime) {
		this.settings = settings;
		this.client = client;
		this.name = name;
		this.endpoint = endpoint;
		this.host = host;
		this.expireTime = expireTime;
	}

	/**
	 * Returns the branch's name.
	 * @return {@code projects/<project-id>/branches/<branch-id>}
	 */
	public String name() {
		return this.name;
	}

	/**
	 * Returns the branch's id, the last part of its name.
	 * @return the id, such as {@code test-20261207-101500-k3f9qz}
	 */
	public String id() {
		return this.name.substring(this.name.lastIndexOf('/') + 1);
	}

	/**
	 * Returns the branch it was copied from.
	 * @return {@code projects/<project-id>/branches/<branch-id>}
	 */
	public String parent() {
		return this.settings.parent();
	}

	/**
	 * Returns the branch's read-write compute.
	 * @return {@code projects/<project-id>/branches/<branch-id>/endpoints/<endpoint-id>}
	 */
	public String endpoint() {
		return this.endpoint;
	}

	/**
	 * Returns the host of the branch's read-write compute (never one of the parent's).
	 * @return the host
	 */
	public String host() {
		return this.host;
	}

	/**
	 * Returns when the branch expires if nothing deletes it.
	 * @return the expiry, or {@code null} when the workspace did not say
	 */
	public @Nullable Instant expireTime() {
		return this.expireTime;
	}

	/**
	 * Returns how long the creation took: branch, compute and first login.
	 * @return the duration
	 */
	public Duration readyIn() {
		return this.readyIn;
	}

	void ready(Duration readyIn) {
		this.readyIn = readyIn;
	}

	/**
	 * Returns the properties that point the starter at this branch's compute: {@code
	 * lakebase.endpoint}, with the other ways of naming a target or a host ({@code
	 * lakebase.project}, {@code lakebase.branch}, {@code lakebase.instance}, {@code lakebase.host},
	 * {@code lakebase.read-only.endpoint}, {@code lakebase.read-only.host}) blanked so that nothing
	 * reaches the parent.
	 * @return the properties, in a stable order
	 */
	public Map<String, String> springProperties() {
		Map<String, String> properties = new LinkedHashMap<>();
		properties.put("lakebase.endpoint", this.endpoint);
		for (String blanked : new String[] { "lakebase.project", "lakebase.branch", "lakebase.instance",
				"lakebase.host", "lakebase.read-only.endpoint", "lakebase.read-only.host" }) {
			properties.put(blanked, "");
		}
		return properties;
	}

	/**
	 * Returns a pooled {@link LakebaseDataSource} on the branch's compute, made at the first call
	 * with the test settings' workspace and connection settings, and closed with the branch.
	 * @return the data source
	 */
	public synchronized LakebaseDataSource dataSource() {
		if (this.closed) {
			throw new IllegalStateException("The test branch " + this.name + " is closed");
		}
		if (this.dataSource == null) {
			this.dataSource = newDataSource();
		}
		return this.dataSource;
	}

	synchronized boolean isClosed() {
		return this.closed;
	}

	LakebaseDataSource newDataSource() {
		return LakebaseDataSource.builder()
			.endpoint(this.endpoint)
			.workspaceClient(this.client)
			.settings(this.settings::applyTo)
			.pool((pool) -> pool.setPoolName("lakebase-test-" + id()))
			.build();
	}

	/**
	 * Closes the data source and deletes the branch, unless {@code lakebase.test.keep} is set (its
	 * TTL deletes it then). Does nothing the second time.
	 */
	@Override
	public void close() {
		LakebaseDataSource open;
		synchronized (this) {
			if (this.closed) {
				return;
			}
			this.closed = true;
			open = this.dataSource;
		}
		if (open != null) {
			open.close();
		}
		if (this.settings.keep()) {
			LoggerFactory.getLogger(TestBranch.class)
				.info("Keeping Lakebase test branch {} ({} is set): it expires {}", this.name, TestBranchSettings.KEEP,
						this.expireTime);
			LakebaseWorkspaceClients.close(this.client);
			return;
		}
		try {
			TestBranches.delete(this.client.postgres(), this.name, this.settings.branchId() != null);
		}
		finally {
			LakebaseWorkspaceClients.close(this.client);
		}
	}

	@Override
	public String toString() {
		return "TestBranch[" + this.name + " from " + parent() + ", compute " + this.endpoint + " on " + this.host + "]";
	}

}
