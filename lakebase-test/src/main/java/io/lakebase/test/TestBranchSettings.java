package io.lakebase.test;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.databricks.sdk.core.DatabricksConfig;
import io.lakebase.jdbc.LakebaseConnectionSettings;
import io.lakebase.jdbc.SslMode;
import org.jspecify.annotations.Nullable;

/**
 * What a test branch is made from and how to reach it: the parent branch, the branch's id, TTL
 * and creation timeout, and the workspace and connection settings, read from properties named as
 * the starter's ({@code lakebase.workspace.*}, {@code lakebase.port}, {@code lakebase.database},
 * {@code lakebase.username}, {@code lakebase.ssl.*}) so that a test reaches the workspace its
 * application does.
 *
 * <p>
 * Equal settings share one branch per run. {@link #toString()} shows no secret.
 *
 * @since 0.1.0
 */
public final class TestBranchSettings {

	/** The branch to copy: {@code projects/<project-id>/branches/<branch-id>}. Required. */
	public static final String PARENT = "lakebase.test.parent";

	/** A point in time of the parent to copy (RFC 3339, such as {@code 2026-12-01T10:00:00Z}). */
	public static final String PARENT_TIME = "lakebase.test.parent-time";

	/** A fixed id for the branch, replaced on each run; by default every run gets a new id. */
	public static final String BRANCH_ID = "lakebase.test.branch-id";

	/** How long the branch lives if nothing deletes it (a JVM that dies). */
	public static final String TTL = "lakebase.test.ttl";

	/** How long the creation (branch, compute, first login) may take in all. */
	public static final String TIMEOUT = "lakebase.test.timeout";

	/** Whether to keep the branch after the tests (until its TTL), to look at its data. */
	public static final String KEEP = "lakebase.test.keep";

	/** The default TTL: an hour. */
	public static final Duration DEFAULT_TTL = Duration.ofHours(1);

	/** The default creation timeout: five minutes (a compute may take a while to start). */
	public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

	private static final String ID = "[a-z0-9][a-z0-9_-]{0,62}";

	private static final Pattern PARENT_NAME = Pattern.compile("projects/(" + ID + ")/branches/(" + ID + ")");

	// Lakebase's rule for a new branch id: 1 to 63 characters, a lowercase letter first.
	private static final Pattern BRANCH_ID_PATTERN = Pattern.compile("[a-z][a-z0-9-]{0,62}");

	private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

	private static final List<String> WORKSPACE_KEYS = List.of("host", "profile", "config-file", "auth-type",
			"client-id", "client-secret", "token");

	private static final List<String> SECRET_KEYS = List.of("client-secret", "token");

	private final String project;

	private final String parentBranch;

	private final @Nullable Instant parentTime;

	private final @Nullable String branchId;

	private final Duration ttl;

	private final Duration timeout;

	private final boolean keep;

	private final Map<String, String> workspace;

	private final @Nullable Integer port;

	private final @Nullable String database;

	private final @Nullable String username;

	private final @Nullable SslMode sslMode;

	private final @Nullable String sslRootCert;

	private TestBranchSettings(Function<String, @Nullable String> properties, @Nullable String parentOverride) {
		String parent = hasText(parentOverride) ? parentOverride.trim() : text(properties, PARENT);
		if (parent == null) {
			throw new TestBranchException(PARENT, PARENT + " is not set: a test branch needs a parent branch to "
					+ "copy. Set it to projects/<project-id>/branches/<branch-id> (a system property, "
					+ "junit-platform.properties, an application property for Spring tests, or the environment "
					+ "variable LAKEBASE_TEST_PARENT), or give @LakebaseTestBranch(parent = ...).");
		}
		Matcher matcher = PARENT_NAME.matcher(parent);
		if (!matcher.matches()) {
			throw new TestBranchException(PARENT, PARENT + " is '" + parent + "', not a branch name. Set it to "
					+ "projects/<project-id>/branches/<branch-id>, such as projects/my-app/branches/production "
					+ "(ids in lowercase: 'databricks postgres list-branches projects/<project-id>' lists them).");
		}
		this.project = matcher.group(1);
		this.parentBranch = matcher.group(2);
		this.parentTime = instant(properties, PARENT_TIME);
		this.branchId = text(properties, BRANCH_ID);
		if (this.branchId != null && !BRANCH_ID_PATTERN.matcher(this.branchId).matches()) {
			throw new TestBranchException(BRANCH_ID, BRANCH_ID + " is '" + this.branchId + "', which Lakebase "
					+ "refuses as a branch id. Use 1 to 63 lowercase letters, digits and hyphens, starting "
					+ "with a letter, such as ci-pr-123; or remove it to get a new id on each run.");
		}
		this.ttl = duration(properties, TTL, DEFAULT_TTL);
		this.timeout = duration(properties, TIMEOUT, DEFAULT_TIMEOUT);
		this.keep = bool(properties, KEEP);
		if (this.ttl.compareTo(this.timeout) <= 0) {
			throw new TestBranchException(TTL, TTL + " (" + this.ttl + ") is not longer than " + TIMEOUT + " ("
					+ this.timeout + "): the branch could expire before it is ready. Set " + TTL + " above the "
					+ "length of the whole test run, such as 2h.");
		}
		Map<String, String> workspace = new LinkedHashMap<>();
		for (String key : WORKSPACE_KEYS) {
			String value = text(properties, "lakebase.workspace." + key);
			if (value != null) {
				workspace.put(key, value);
			}
		}
		this.workspace = Map.copyOf(workspace);
		this.port = port(properties);
		this.database = text(properties, "lakebase.database");
		this.username = text(properties, "lakebase.username");
		this.sslMode = sslMode(properties);
		this.sslRootCert = text(properties, "lakebase.ssl.root-cert");
	}

	/**
	 * Reads the settings.
	 * @param properties the property values by name ({@code null} when unset)
	 * @return the settings
	 * @throws TestBranchException naming the property when a value is missing or malformed
	 */
	public static TestBranchSettings from(Function<String, @Nullable String> properties) {
		return new TestBranchSettings(properties, null);
	}

	/**
	 * Reads the settings with another parent than {@value #PARENT} gives.
	 * @param properties the property values by name ({@code null} when unset)
	 * @param parent the parent branch, or blank to read {@value #PARENT}
	 * @return the settings
	 * @throws TestBranchException naming the property when a value is missing or malformed
	 */
	public static TestBranchSettings from(Function<String, @Nullable String> properties, @Nullable String parent) {
		return new TestBranchSettings(properties, parent);
	}

	/**
	 * Returns the environment variable that sets a property, as Spring Boot binds it:
	 * {@code LAKEBASE_TEST_PARENT} for {@code lakebase.test.parent}.
	 * @param property the property
	 * @return the variable's name
	 */
	static String environmentVariable(String property) {
		return property.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
	}

	/**
	 * Returns the parent branch's name.
	 * @return {@code projects/<project-id>/branches/<branch-id>}
	 */
	public String parent() {
		return "projects/" + this.project + "/branches/" + this.parentBranch;
	}

	/**
	 * Returns the parent's project id.
	 * @return the project id
	 */
	public String project() {
		return this.project;
	}

	/**
	 * Returns the parent's branch id.
	 * @return the branch id
	 */
	public String parentBranchId() {
		return this.parentBranch;
	}

	/**
	 * Returns the point in time of the parent to copy.
	 * @return the time, or {@code null} for the parent as it is at creation
	 */
	public @Nullable Instant parentTime() {
		return this.parentTime;
	}

	/**
	 * Returns the fixed branch id.
	 * @return the id, or {@code null} for a new id per run
	 */
	public @Nullable String branchId() {
		return this.branchId;
	}

	/**
	 * Returns the branch's time to live.
	 * @return the TTL
	 */
	public Duration ttl() {
		return this.ttl;
	}

	/**
	 * Returns how long the creation may take in all.
	 * @return the timeout
	 */
	public Duration timeout() {
		return this.timeout;
	}

	/**
	 * Tells whether to keep the branch after the tests.
	 * @return whether to keep it (until its TTL)
	 */
	public boolean keep() {
		return this.keep;
	}

	/**
	 * Returns a new workspace client configuration: the {@code lakebase.workspace.*} values set,
	 * the rest from the Databricks SDK's default chain (environment, {@code ~/.databrickscfg}).
	 * @return the configuration
	 */
	public DatabricksConfig databricksConfig() {
		DatabricksConfig config = new DatabricksConfig();
		this.workspace.forEach((key, value) -> {
			switch (key) {
				case "host" -> config.setHost(value);
				case "profile" -> config.setProfile(value);
				case "config-file" -> config.setConfigFile(value);
				case "auth-type" -> config.setAuthType(value);
				case "client-id" -> config.setClientId(value);
				case "client-secret" -> config.setClientSecret(value);
				case "token" -> config.setToken(value);
				default -> throw new IllegalStateException(key);
			}
		});
		return config;
	}

	/**
	 * Applies the connection settings ({@code lakebase.port}, {@code lakebase.database},
	 * {@code lakebase.username}, {@code lakebase.ssl.mode}, {@code lakebase.ssl.root-cert}).
	 * @param settings the builder of the branch's connection settings
	 */
	public void applyTo(LakebaseConnectionSettings.Builder settings) {
		if (this.port != null) {
			settings.port(this.port);
		}
		settings.database(this.database).username(this.username).sslRootCert(this.sslRootCert);
		if (this.sslMode != null) {
			settings.sslMode(this.sslMode);
		}
	}

	@Override
	public boolean equals(@Nullable Object other) {
		if (this == other) {
			return true;
		}
		if (!(other instanceof TestBranchSettings that)) {
			return false;
		}
		return this.project.equals(that.project) && this.parentBranch.equals(that.parentBranch)
				&& Objects.equals(this.parentTime, that.parentTime) && Objects.equals(this.branchId, that.branchId)
				&& this.ttl.equals(that.ttl) && this.timeout.equals(that.timeout) && this.keep == that.keep
				&& this.workspace.equals(that.workspace) && Objects.equals(this.port, that.port)
				&& Objects.equals(this.database, that.database) && Objects.equals(this.username, that.username)
				&& this.sslMode == that.sslMode && Objects.equals(this.sslRootCert, that.sslRootCert);
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.project, this.parentBranch, this.parentTime, this.branchId, this.ttl, this.workspace);
	}

	@Override
	public String toString() {
		Map<String, String> shown = new LinkedHashMap<>();
		this.workspace.forEach((key, value) -> shown.put(key, SECRET_KEYS.contains(key) ? "******" : value));
		return "TestBranchSettings[parent=" + parent() + ((this.parentTime != null) ? "@" + this.parentTime : "")
				+ ", branchId=" + this.branchId + ", ttl=" + this.ttl + ", timeout=" + this.timeout + ", keep="
				+ this.keep + ", workspace=" + shown + "]";
	}

	private static @Nullable String text(Function<String, @Nullable String> properties, String name) {
		String value = properties.apply(name);
		return hasText(value) ? value.trim() : null;
	}

	private static boolean hasText(@Nullable String value) {
		return value != null && !value.isBlank();
	}

	private static boolean bool(Function<String, @Nullable String> properties, String name) {
		String value = text(properties, name);
		if (value == null) {
			return false;
		}
		if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
			return Boolean.parseBoolean(value);
		}
		throw new TestBranchException(name, name + " is '" + value + "': set it to true or false.");
	}

	private static Duration duration(Function<String, @Nullable String> properties, String name, Duration fallback) {
		String value = text(properties, name);
		if (value == null) {
			return fallback;
		}
		Duration duration = null;
		Matcher matcher = DURATION.matcher(value.toLowerCase(Locale.ROOT));
		if (matcher.matches()) {
			long amount = Long.parseLong(matcher.group(1));
			duration = switch (matcher.group(2)) {
				case "ms" -> Duration.ofMillis(amount);
				case "s" -> Duration.ofSeconds(amount);
				case "m" -> Duration.ofMinutes(amount);
				case "h" -> Duration.ofHours(amount);
				default -> Duration.ofDays(amount);
			};
		}
		else {
			try {
				duration = Duration.parse(value);
			}
			catch (DateTimeParseException ex) {
				// Reported below.
			}
		}
		if (duration == null || duration.isNegative() || duration.toSeconds() < 1) {
			throw new TestBranchException(name, name + " is '" + value + "': set a duration of at least a second, "
					+ "such as 30m, 2h or PT90S.");
		}
		return duration;
	}

	private static @Nullable Instant instant(Function<String, @Nullable String> properties, String name) {
		String value = text(properties, name);
		if (value == null) {
			return null;
		}
		try {
			return Instant.parse(value);
		}
		catch (DateTimeParseException ex) {
			throw new TestBranchException(name, name + " is '" + value + "': set an RFC 3339 time in UTC, such as "
					+ "2026-12-01T10:00:00Z, or remove it to copy the parent as it is.");
		}
	}

	private static @Nullable Integer port(Function<String, @Nullable String> properties) {
		String value = text(properties, "lakebase.port");
		if (value == null) {
			return null;
		}
		try {
			return Integer.valueOf(value);
		}
		catch (NumberFormatException ex) {
			throw new TestBranchException("lakebase.port", "lakebase.port is '" + value + "': set a port number.");
		}
	}

	private static @Nullable SslMode sslMode(Function<String, @Nullable String> properties) {
		String value = text(properties, "lakebase.ssl.mode");
		if (value == null) {
			return null;
		}
		try {
			return SslMode.valueOf(value.toUpperCase(Locale.ROOT).replace('-', '_'));
		}
		catch (IllegalArgumentException ex) {
			throw new TestBranchException("lakebase.ssl.mode", "lakebase.ssl.mode is '" + value
					+ "': remove it to use verify-full, or set require, verify-ca or verify-full.");
		}
	}

}
