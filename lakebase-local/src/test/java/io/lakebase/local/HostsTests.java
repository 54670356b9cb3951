package io.lakebase.local;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests of how {@link Hosts} gives each compute a loopback address, without starting servers.
 */
class HostsTests {

	private static final Endpoint PRIMARY = Endpoint.of(LocalLakebase.DEFAULT_ENDPOINT).asHighAvailability();

	private static final Endpoint REPLICA = Endpoint.of(LocalLakebase.DEFAULT_READ_ONLY_ENDPOINT).asReadOnly();

	private static final Instance INSTANCE = Instance.of(LocalLakebase.DEFAULT_INSTANCE);

	@Test
	void computeHostsComeFirstInBuilderOrderThenTheReadOnlyHosts() {
		Endpoint other = Endpoint.of("projects/local/branches/dev/endpoints/dev");
		Instance second = Instance.of("second-instance");
		Hosts hosts = Hosts.assign(List.of(PRIMARY, REPLICA, other), List.of(INSTANCE, second), false,
				(address) -> true);
		assertThat(hosts.host(PRIMARY.name())).isEqualTo("127.0.0.1");
		assertThat(hosts.host(REPLICA.name())).isEqualTo("127.0.0.2");
		assertThat(hosts.host(other.name())).isEqualTo("127.0.0.3");
		assertThat(hosts.host(INSTANCE.name())).isEqualTo("127.0.0.1");
		assertThat(hosts.host(second.name())).isEqualTo("127.0.0.4");
		assertThat(hosts.readOnlyHost(PRIMARY.name())).hasValue("127.0.0.5");
		assertThat(hosts.readOnlyHost(REPLICA.name())).isEmpty();
		assertThat(hosts.readOnlyHost(other.name())).isEmpty();
		assertThat(hosts.readOnlyHost(INSTANCE.name())).hasValue("127.0.0.6");
		assertThat(hosts.readOnlyHost(second.name())).hasValue("127.0.0.7");
		assertThat(hosts.addresses()).containsExactly("127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.4",
				"127.0.0.5", "127.0.0.6", "127.0.0.7");
		assertThat(hosts.addresses()).filteredOn(hosts::isReadOnly)
			.containsExactly("127.0.0.2", "127.0.0.5", "127.0.0.6", "127.0.0.7");
		assertThat(hosts.sharingWarning()).isEmpty();
	}

	@Test
	void withoutEndpointsTheFirstInstanceHasTheFirstHost() {
		Hosts hosts = Hosts.assign(List.of(), List.of(INSTANCE), false, (address) -> true);
		assertThat(hosts.host(INSTANCE.name())).isEqualTo("127.0.0.1");
		assertThat(hosts.readOnlyHost(INSTANCE.name())).hasValue("127.0.0.2");
		assertThat(hosts.isReadOnly("127.0.0.1")).isFalse();
		assertThat(hosts.isReadOnly("127.0.0.2")).isTrue();
	}

	@Test
	void anInstanceDoesNotShareTheHostOfAReadReplicaListedFirst() {
		Hosts hosts = Hosts.assign(List.of(REPLICA), List.of(INSTANCE), false, (address) -> true);
		assertThat(hosts.host(REPLICA.name())).isEqualTo("127.0.0.1");
		assertThat(hosts.isReadOnly("127.0.0.1")).isTrue();
		assertThat(hosts.host(INSTANCE.name())).isEqualTo("127.0.0.2");
		assertThat(hosts.isReadOnly("127.0.0.2")).isFalse();
	}

	@Test
	void computesWhoseAddressCannotBeBoundShareTheFirstHostAndAreNamedInOneWarning() {
		Hosts hosts = Hosts.assign(List.of(PRIMARY, REPLICA), List.of(INSTANCE), false, "127.0.0.3"::equals);
		assertThat(hosts.host(REPLICA.name())).isEqualTo("127.0.0.1");
		assertThat(hosts.readOnlyHost(PRIMARY.name())).hasValue("127.0.0.3");
		assertThat(hosts.readOnlyHost(INSTANCE.name())).hasValue("127.0.0.1");
		assertThat(hosts.addresses()).containsExactly("127.0.0.1", "127.0.0.3");
		// The fallback behaves like the primary: only the address that could be bound stays read-only.
		assertThat(hosts.isReadOnly("127.0.0.1")).isFalse();
		assertThat(hosts.isReadOnly("127.0.0.3")).isTrue();
		assertThat(hosts.sharingWarning()).hasValueSatisfying((warning) -> assertThat(warning)
			.contains("127.0.0.2, 127.0.0.4 cannot be bound")
			.contains("endpoint " + REPLICA.name() + ", the read_only_dns of instance " + INSTANCE.name()
					+ " share 127.0.0.1")
			.contains("sudo ifconfig lo0 alias 127.0.0.2; sudo ifconfig lo0 alias 127.0.0.4")
			.doesNotContain("127.0.0.3"));
	}

	@Test
	void withThePoolerEachEndpointGetsPooledHostsAfterEveryOtherHost() {
		Endpoint other = Endpoint.of("projects/local/branches/dev/endpoints/dev");
		Hosts hosts = Hosts.assign(List.of(PRIMARY, REPLICA, other), List.of(INSTANCE), true, (address) -> true);
		assertThat(hosts.host(other.name())).isEqualTo("127.0.0.3");
		assertThat(hosts.readOnlyHost(INSTANCE.name())).hasValue("127.0.0.5");
		assertThat(hosts.pooledHost(PRIMARY.name())).hasValue("127.0.0.6");
		assertThat(hosts.readOnlyPooledHost(PRIMARY.name())).hasValue("127.0.0.7");
		assertThat(hosts.pooledHost(REPLICA.name())).hasValue("127.0.0.8");
		assertThat(hosts.readOnlyPooledHost(REPLICA.name())).isEmpty();
		assertThat(hosts.pooledHost(other.name())).hasValue("127.0.0.9");
		assertThat(hosts.pooledHost(INSTANCE.name())).isEmpty();
		assertThat(hosts.addresses()).hasSize(9).endsWith("127.0.0.6", "127.0.0.7", "127.0.0.8", "127.0.0.9");
		assertThat(hosts.addresses()).filteredOn(hosts::isPooled)
			.containsExactly("127.0.0.6", "127.0.0.7", "127.0.0.8", "127.0.0.9");
		// A pooled host is read-only where the host it pools is.
		assertThat(hosts.addresses()).filteredOn(hosts::isReadOnly)
			.containsExactly("127.0.0.2", "127.0.0.4", "127.0.0.5", "127.0.0.7", "127.0.0.8");
	}

	@Test
	void withoutThePoolerNoEndpointHasAPooledHost() {
		Hosts hosts = Hosts.assign(List.of(PRIMARY, REPLICA), List.of(INSTANCE), false, (address) -> true);
		assertThat(hosts.pooledHost(PRIMARY.name())).isEmpty();
		assertThat(hosts.readOnlyPooledHost(PRIMARY.name())).isEmpty();
		assertThat(hosts.addresses()).noneMatch(hosts::isPooled);
	}

	@Test
	void aPooledHostThatCannotBeBoundSharesTheFirstHostAndIsNotPooled() {
		Hosts hosts = Hosts.assign(List.of(PRIMARY), List.of(), true, "127.0.0.3"::equals);
		assertThat(hosts.readOnlyHost(PRIMARY.name())).hasValue("127.0.0.1");
		assertThat(hosts.pooledHost(PRIMARY.name())).hasValue("127.0.0.3");
		assertThat(hosts.readOnlyPooledHost(PRIMARY.name())).hasValue("127.0.0.1");
		assertThat(hosts.isPooled("127.0.0.1")).isFalse();
		assertThat(hosts.isPooled("127.0.0.3")).isTrue();
		assertThat(hosts.sharingWarning()).hasValueSatisfying((warning) -> assertThat(warning)
			.contains("the read_only_host of endpoint " + PRIMARY.name() + ", the read_only_pooled_host of endpoint "
					+ PRIMARY.name() + " share 127.0.0.1"));
	}

	@Test
	void aReadReplicaCannotBeHighlyAvailable() {
		assertThatIllegalArgumentException().isThrownBy(() -> REPLICA.asHighAvailability())
			.withMessageContaining("cannot be both a read-only replica and high-availability");
	}

	@Test
	void theThreeArgumentConstructorMakesNoHighAvailability() {
		assertThat(new Endpoint(LocalLakebase.DEFAULT_ENDPOINT, false, false).highAvailability()).isFalse();
		assertThat(new Endpoint(LocalLakebase.DEFAULT_ENDPOINT, false, false).asHighAvailability())
			.isEqualTo(new Endpoint(LocalLakebase.DEFAULT_ENDPOINT, false, false, true));
	}

}
