package io.lakebase.local;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

/**
 * Which loopback address serves which compute. Every compute of a Lakebase project has a host of
 * its own; locally they are addresses of {@code 127.0.0.0/8} on one port of the login front, in
 * builder order:
 * <ol>
 * <li>the first endpoint gets {@value #PRIMARY}, each further endpoint the next address
 * ({@code 127.0.0.2}, {@code 127.0.0.3}, ...);</li>
 * <li>the first instance shares {@value #PRIMARY} when there is no endpoint or the first endpoint
 * is read-write (it reaches the same database anyway); otherwise, and for every further instance,
 * an instance gets the next address;</li>
 * <li>then the read-only hosts: each high-availability endpoint's {@code read_only_host}, then each
 * instance's {@code read_only_dns}, each the next address;</li>
 * <li>last, only with the emulated connection pooler, the pooled hosts: for each endpoint in
 * builder order, the pooled host of its host ({@code read_write_pooled_host}, or a read replica's
 * {@code read_only_pooled_host}), then, for a high-availability endpoint, the pooled host of its
 * {@code read_only_host} ({@code read_only_pooled_host}), each the next address. Assigned after
 * every other host, they leave the addresses of a Lakebase without the pooler as they were.</li>
 * </ol>
 * Sessions on the address of a read-only endpoint or of a read-only host, or on a pooled host of
 * one, are read-only. Sessions on a pooled host are pooled: they reach the same database as the
 * host it pools, and refuse what a pooler in transaction mode cannot do. An address that cannot be
 * bound (macOS has only {@value #PRIMARY} unless aliased) is replaced by {@value #PRIMARY}: the
 * computes it served then behave like the one at {@value #PRIMARY}.
 */
final class Hosts {

	/** The host of the first compute, and of every compute whose own address cannot be bound. */
	static final String PRIMARY = "127.0.0.1";

	private static final int LOOPBACK_NETWORK = 0x7F000000;

	private final Map<String, String> hostByCompute;

	private final Map<String, String> readOnlyHostByCompute;

	private final Map<String, String> pooledHostByEndpoint;

	private final Map<String, String> readOnlyPooledHostByEndpoint;

	private final Set<String> readOnlyAddresses;

	private final Set<String> pooledAddresses;

	private final List<String> addresses;

	private final @Nullable String sharingWarning;

	private Hosts(Map<String, String> hostByCompute, Map<String, String> readOnlyHostByCompute,
			Map<String, String> pooledHostByEndpoint, Map<String, String> readOnlyPooledHostByEndpoint,
			Set<String> readOnlyAddresses, Set<String> pooledAddresses, List<String> addresses,
			@Nullable String sharingWarning) {
		this.hostByCompute = hostByCompute;
		this.readOnlyHostByCompute = readOnlyHostByCompute;
		this.pooledHostByEndpoint = pooledHostByEndpoint;
		this.readOnlyPooledHostByEndpoint = readOnlyPooledHostByEndpoint;
		this.readOnlyAddresses = readOnlyAddresses;
		this.pooledAddresses = pooledAddresses;
		this.addresses = addresses;
		this.sharingWarning = sharingWarning;
	}

	/**
	 * Assigns the hosts of the computes.
	 * @param endpoints the endpoints, in builder order
	 * @param instances the instances, in builder order
	 * @param pooler whether every endpoint gets pooled hosts
	 * @param bindable whether an address other than {@value #PRIMARY} can be bound on this machine
	 * @return the hosts
	 */
	static Hosts assign(List<Endpoint> endpoints, List<Instance> instances, boolean pooler,
			Predicate<String> bindable) {
		Map<String, String> hosts = new LinkedHashMap<>();
		Map<String, String> readOnlyHosts = new LinkedHashMap<>();
		Map<String, String> pooledHosts = new LinkedHashMap<>();
		Map<String, String> readOnlyPooledHosts = new LinkedHashMap<>();
		Set<String> readOnlyAddresses = new LinkedHashSet<>();
		Set<String> pooledAddresses = new LinkedHashSet<>();
		// What each address serves, to name the computes that fall back in the warning.
		Map<String, String> servedBy = new LinkedHashMap<>();
		int next = 2;
		for (int i = 0; i < endpoints.size(); i++) {
			Endpoint endpoint = endpoints.get(i);
			String address = (i == 0) ? PRIMARY : address(next++);
			hosts.put(endpoint.name(), address);
			servedBy.putIfAbsent(address, "endpoint " + endpoint.name());
			if (endpoint.readOnly()) {
				readOnlyAddresses.add(address);
			}
		}
		boolean firstInstanceShares = endpoints.isEmpty() || !endpoints.get(0).readOnly();
		for (int i = 0; i < instances.size(); i++) {
			Instance instance = instances.get(i);
			String address = (i == 0 && firstInstanceShares) ? PRIMARY : address(next++);
			hosts.put(instance.name(), address);
			servedBy.putIfAbsent(address, "instance " + instance.name());
		}
		for (Endpoint endpoint : endpoints) {
			if (endpoint.highAvailability()) {
				String address = address(next++);
				readOnlyHosts.put(endpoint.name(), address);
				servedBy.put(address, "the read_only_host of endpoint " + endpoint.name());
				readOnlyAddresses.add(address);
			}
		}
		for (Instance instance : instances) {
			String address = address(next++);
			readOnlyHosts.put(instance.name(), address);
			servedBy.put(address, "the read_only_dns of instance " + instance.name());
			readOnlyAddresses.add(address);
		}
		if (pooler) {
			for (Endpoint endpoint : endpoints) {
				String address = address(next++);
				pooledHosts.put(endpoint.name(), address);
				servedBy.put(address, "the pooled host of endpoint " + endpoint.name());
				pooledAddresses.add(address);
				if (endpoint.readOnly()) {
					readOnlyAddresses.add(address);
				}
				if (endpoint.highAvailability()) {
					String readOnlyAddress = address(next++);
					readOnlyPooledHosts.put(endpoint.name(), readOnlyAddress);
					servedBy.put(readOnlyAddress, "the read_only_pooled_host of endpoint " + endpoint.name());
					pooledAddresses.add(readOnlyAddress);
					readOnlyAddresses.add(readOnlyAddress);
				}
			}
		}
		List<String> unbindable = servedBy.keySet()
			.stream()
			.filter((address) -> !address.equals(PRIMARY) && !bindable.test(address))
			.toList();
		if (!unbindable.isEmpty()) {
			hosts.replaceAll((compute, address) -> unbindable.contains(address) ? PRIMARY : address);
			readOnlyHosts.replaceAll((compute, address) -> unbindable.contains(address) ? PRIMARY : address);
			pooledHosts.replaceAll((endpoint, address) -> unbindable.contains(address) ? PRIMARY : address);
			readOnlyPooledHosts.replaceAll((endpoint, address) -> unbindable.contains(address) ? PRIMARY : address);
			readOnlyAddresses.removeAll(unbindable);
			pooledAddresses.removeAll(unbindable);
		}
		// In the order assigned.
		Set<String> addresses = new LinkedHashSet<>();
		addresses.add(PRIMARY);
		addresses.addAll(servedBy.keySet());
		addresses.removeAll(unbindable);
		return new Hosts(hosts, readOnlyHosts, pooledHosts, readOnlyPooledHosts, readOnlyAddresses, pooledAddresses,
				new ArrayList<>(addresses), unbindable.isEmpty() ? null : sharingWarning(unbindable, servedBy));
	}

	private static String sharingWarning(List<String> unbindable, Map<String, String> servedBy) {
		String computes = unbindable.stream().map(servedBy::get).collect(Collectors.joining(", "));
		String aliases = unbindable.stream()
			.map((address) -> "sudo ifconfig lo0 alias " + address)
			.collect(Collectors.joining("; "));
		return "The loopback address" + ((unbindable.size() > 1) ? "es " : " ") + String.join(", ", unbindable)
				+ " cannot be bound here, so " + computes + " share" + ((unbindable.size() > 1) ? " " : "s ") + PRIMARY
				+ " and behave like the compute there (no read-only standby, no pooler). To give each compute a host"
				+ " of its own (on macOS), alias the address" + ((unbindable.size() > 1) ? "es" : "") + " and restart: "
				+ aliases;
	}

	/**
	 * Returns the first address after every one assigned at build time: where the hosts of
	 * computes created later (a created branch's endpoints) start, one address each.
	 * @return the ordinal of that address, for {@link #address(int)}
	 */
	int firstFreeOrdinal() {
		int last = 1;
		for (String address : this.hostByCompute.values()) {
			last = Math.max(last, ordinal(address));
		}
		for (Map<String, String> map : List.of(this.readOnlyHostByCompute, this.pooledHostByEndpoint,
				this.readOnlyPooledHostByEndpoint)) {
			for (String address : map.values()) {
				last = Math.max(last, ordinal(address));
			}
		}
		for (String address : this.addresses) {
			last = Math.max(last, ordinal(address));
		}
		return last + 1;
	}

	private static int ordinal(String address) {
		String[] parts = address.split("\\.");
		return ((Integer.parseInt(parts[1]) << 16) | (Integer.parseInt(parts[2]) << 8) | Integer.parseInt(parts[3]));
	}

	// The n-th address of 127.0.0.0/8, counting 127.0.0.1 as the first.
	static String address(int n) {
		// 127.255.255.255 is the network's broadcast address.
		if (n >= 0xFFFFFF) {
			throw new IllegalStateException("Too many computes for the loopback network 127.0.0.0/8");
		}
		int address = LOOPBACK_NETWORK + n;
		return (address >>> 24) + "." + ((address >>> 16) & 0xFF) + "." + ((address >>> 8) & 0xFF) + "."
				+ (address & 0xFF);
	}

	/**
	 * Returns the read-write host of an endpoint or instance, or a read-only endpoint's own host.
	 * @param compute the endpoint or instance name
	 * @return the address, or {@code null} for an unknown name
	 */
	@Nullable String host(String compute) {
		return this.hostByCompute.get(compute);
	}

	/**
	 * Returns the read-only host of a high-availability endpoint or of an instance.
	 * @param compute the endpoint or instance name
	 * @return the address, or empty when the compute has none
	 */
	Optional<String> readOnlyHost(String compute) {
		return Optional.ofNullable(this.readOnlyHostByCompute.get(compute));
	}

	/**
	 * Returns the pooled host of an endpoint's host: its {@code read_write_pooled_host}, or a read
	 * replica's {@code read_only_pooled_host}.
	 * @param endpoint the endpoint name
	 * @return the address, or empty without the emulated pooler or for an unknown name
	 */
	Optional<String> pooledHost(String endpoint) {
		return Optional.ofNullable(this.pooledHostByEndpoint.get(endpoint));
	}

	/**
	 * Returns the pooled host of a high-availability endpoint's read-only host: its
	 * {@code read_only_pooled_host}.
	 * @param endpoint the endpoint name
	 * @return the address, or empty without the emulated pooler or for an endpoint without high
	 * availability
	 */
	Optional<String> readOnlyPooledHost(String endpoint) {
		return Optional.ofNullable(this.readOnlyPooledHostByEndpoint.get(endpoint));
	}

	/**
	 * Returns whether sessions on an address refuse writes, as on a hot standby.
	 * @param address the local address a client connected to
	 * @return whether the address belongs to a read-only endpoint or is a read-only host, or is the
	 * pooled host of one
	 */
	boolean isReadOnly(String address) {
		return this.readOnlyAddresses.contains(address);
	}

	/**
	 * Returns whether sessions on an address go through the emulated connection pooler.
	 * @param address the local address a client connected to
	 * @return whether the address is a pooled host
	 */
	boolean isPooled(String address) {
		return this.pooledAddresses.contains(address);
	}

	/**
	 * Returns whether the login front listens on an address.
	 * @param address the address
	 * @return whether it is one of {@link #addresses()}
	 */
	boolean serves(String address) {
		return this.addresses.contains(address);
	}

	/**
	 * Returns every address the login front listens on, {@value #PRIMARY} first.
	 * @return the distinct addresses
	 */
	List<String> addresses() {
		return List.copyOf(this.addresses);
	}

	/**
	 * Returns the warning to log when some computes had to share {@value #PRIMARY}.
	 * @return the warning, or empty when every compute has its own address
	 */
	Optional<String> sharingWarning() {
		return Optional.ofNullable(this.sharingWarning);
	}

}
