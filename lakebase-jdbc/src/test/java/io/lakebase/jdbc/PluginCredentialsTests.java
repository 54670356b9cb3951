package io.lakebase.jdbc;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link PluginCredentials}: one entry per target and identity, bounded, closed when idle, and
 * secrets refused by name. Entries are made without a network call.
 */
class PluginCredentialsTests {

	private final AtomicLong nanos = new AtomicLong();

	private final PluginCredentials credentials = new PluginCredentials(2, Duration.ofHours(2), this.nanos::get);

	@AfterEach
	void close() {
		this.credentials.close();
	}

	@Test
	void loginsWithTheSameTargetAndIdentityShareOneEntry() {
		PluginCredentials.Entry first = this.credentials.entry(properties("a", "client-1"));
		assertThat(this.credentials.entry(properties("a", "client-1"))).isSameAs(first);
		assertThat(this.credentials.entry(properties("a", "client-2"))).isNotSameAs(first);
		assertThat(this.credentials.entry(properties("b", "client-1"))).isNotSameAs(first);
	}

	@Test
	void beyondTheBoundTheLeastRecentlyUsedEntryIsClosed() {
		PluginCredentials.Entry a = this.credentials.entry(properties("a", "client"));
		PluginCredentials.Entry b = this.credentials.entry(properties("b", "client"));
		this.credentials.entry(properties("a", "client"));
		PluginCredentials.Entry c = this.credentials.entry(properties("c", "client"));
		assertThat(this.credentials.size()).isEqualTo(2);
		assertThat(b.isClosed()).isTrue();
		assertThat(a.isClosed()).isFalse();
		assertThat(c.isClosed()).isFalse();
		assertThatExceptionOfType(LakebaseCredentialException.class).isThrownBy(() -> b.credentials().get())
			.withMessageContaining("closed");
	}

	@Test
	void anEntryUnusedForTheIdleTimeoutIsClosedBySweeping() {
		PluginCredentials.Entry a = this.credentials.entry(properties("a", "client"));
		this.nanos.addAndGet(Duration.ofMinutes(90).toNanos());
		PluginCredentials.Entry b = this.credentials.entry(properties("b", "client"));
		this.nanos.addAndGet(Duration.ofMinutes(31).toNanos());
		this.credentials.sweep();
		assertThat(a.isClosed()).isTrue();
		assertThat(b.isClosed()).isFalse();
		assertThat(this.credentials.size()).isEqualTo(1);
	}

	@Test
	void aSecretInTheUrlOrPropertiesIsRefusedByNameWithoutItsValue() {
		Properties properties = properties("a", "client");
		properties.setProperty("databricksClientSecret", "s3cr3t-value");
		assertThatExceptionOfType(LakebaseConfigurationException.class)
			.isThrownBy(() -> this.credentials.entry(properties))
			.satisfies((ex) -> assertThat(ex.getSetting()).isEqualTo("databricksClientSecret"))
			.withMessageContaining("A secret (databricksClientSecret) is set")
			.withMessageNotContaining("s3cr3t-value");
		assertThat(this.credentials.size()).isZero();
	}

	@Test
	void aTargetMustBeNamedOnce() {
		Properties none = new Properties();
		assertThatExceptionOfType(LakebaseConfigurationException.class).isThrownBy(() -> this.credentials.entry(none))
			.withMessage("No Lakebase target is set for the authentication plugin");
		Properties two = properties("a", "client");
		two.setProperty(LakebaseAuthenticationPlugin.INSTANCE, "orders");
		assertThatExceptionOfType(LakebaseConfigurationException.class).isThrownBy(() -> this.credentials.entry(two))
			.withMessage("Several Lakebase targets are set for the authentication plugin");
		Properties project = new Properties();
		project.setProperty(LakebaseAuthenticationPlugin.PROJECT, "shop");
		assertThatExceptionOfType(LakebaseConfigurationException.class)
			.isThrownBy(() -> this.credentials.entry(project))
			.satisfies((ex) -> assertThat(ex.getSetting()).isEqualTo(LakebaseAuthenticationPlugin.BRANCH));
	}

	private static Properties properties(String endpoint, String clientId) {
		Properties properties = new Properties();
		properties.setProperty(LakebaseAuthenticationPlugin.ENDPOINT, "projects/p/branches/b/endpoints/" + endpoint);
		properties.setProperty(LakebaseAuthenticationPlugin.HOST, "https://example.cloud.databricks.com");
		properties.setProperty(LakebaseAuthenticationPlugin.CLIENT_ID, clientId);
		return properties;
	}

}
