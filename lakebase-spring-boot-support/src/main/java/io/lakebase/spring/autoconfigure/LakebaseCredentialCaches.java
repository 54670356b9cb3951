package io.lakebase.spring.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import com.databricks.sdk.WorkspaceClient;
import io.lakebase.jdbc.LakebaseConfigurationException;
import io.lakebase.jdbc.LakebaseCredentialCache;
import io.lakebase.jdbc.LakebaseCredentialListener;
import io.lakebase.jdbc.LakebaseCredentialSource;
import io.lakebase.jdbc.LakebaseObserver;
import io.lakebase.jdbc.LakebaseTarget;

import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;

/**
 * The one place credential caches are made: one per identity (a workspace client) for every
 * Autoscaling endpoint, since such a credential logs in to any endpoint its identity may reach, and
 * one per identity and instance for Provisioned instances, whose credentials are requested for the
 * instances they name. An Autoscaling and a Provisioned credential never share a cache. Closes every cache as soon as
 * the context starts closing, before the pools: a pool whose login waits for a credential while the
 * API is down then closes at once, not after the fetch timeout.
 */
final class LakebaseCredentialCaches implements ApplicationListener<ContextClosedEvent> {

	private final LakebaseProperties properties;

	private final List<LakebaseCredentialListener> applicationListeners;

	private final LakebaseObserver observer;

	private final Map<Key, LakebaseCredentialCache> caches = new ConcurrentHashMap<>();

	LakebaseCredentialCaches(LakebaseProperties properties, List<LakebaseCredentialListener> applicationListeners) {
		this(properties, applicationListeners, LakebaseObserver.NONE);
	}

	LakebaseCredentialCaches(LakebaseProperties properties, List<LakebaseCredentialListener> applicationListeners,
			LakebaseObserver observer) {
		this.properties = properties;
		this.applicationListeners = List.copyOf(applicationListeners);
		this.observer = observer;
	}

	/**
	 * Returns what is told about each credential fetch, lookup and login of the application's
	 * connections (Micrometer Observations when an {@code ObservationRegistry} is there).
	 * @return the observer
	 */
	LakebaseObserver observer() {
		return this.observer;
	}

	/**
	 * Returns the cache of the application's own identity (its workspace client bean) for a
	 * flavour, made on first use, with the application's credential listeners (its meters).
	 * @param workspaceClient the application's workspace client
	 * @param target the endpoint or instance the credentials are requested for
	 * @return the cache
	 */
	LakebaseCredentialCache application(Supplier<WorkspaceClient> workspaceClient, LakebaseTarget target) {
		return of(Key.APPLICATION, workspaceClient, target, this.applicationListeners);
	}

	/**
	 * Returns the cache of another identity for a flavour, made on first use.
	 * @param workspaceClient the identity's workspace client
	 * @param target the endpoint or instance the credentials are requested for
	 * @return the cache
	 */
	LakebaseCredentialCache of(WorkspaceClient workspaceClient, LakebaseTarget target) {
		return of(workspaceClient, () -> workspaceClient, target, List.of());
	}

	private LakebaseCredentialCache of(Object identity, Supplier<WorkspaceClient> workspaceClient, LakebaseTarget target,
			List<LakebaseCredentialListener> listeners) {
		return this.caches.computeIfAbsent(Key.of(identity, target), (key) -> {
			LakebaseProperties.Credential credential = this.properties.getCredential();
			try {
				return LakebaseCredentialCache
					.builder(LakebaseCredentialSource.forTarget(target, workspaceClient,
							LakebaseAutoConfiguration.credentialTtl(credential, target), this.observer))
					.refreshBefore(credential.getRefreshBefore())
					.fetchTimeout(credential.getFetchTimeout())
					.listeners(listeners)
					.build();
			}
			catch (LakebaseConfigurationException ex) {
				throw LakebasePropertyFailures.of(ex);
			}
		});
	}

	@Override
	public void onApplicationEvent(ContextClosedEvent event) {
		List<LakebaseCredentialCache> all = new ArrayList<>(this.caches.values());
		all.forEach(LakebaseCredentialCache::close);
	}

	/**
	 * An identity, by the identity of its workspace client object, a flavour and, for a
	 * Provisioned instance, its name.
	 */
	private record Key(Object identity, LakebaseTarget.Flavour flavour, String instance) {

		static final Object APPLICATION = new Object();

		static Key of(Object identity, LakebaseTarget target) {
			return new Key(identity, target.flavour(),
					(target.flavour() == LakebaseTarget.Flavour.PROVISIONED) ? target.name() : "");
		}

		@Override
		public boolean equals(Object other) {
			return other instanceof Key key && key.identity == this.identity && key.flavour == this.flavour
					&& key.instance.equals(this.instance);
		}

		@Override
		public int hashCode() {
			return (System.identityHashCode(this.identity) * 31 + this.flavour.hashCode()) * 31
					+ this.instance.hashCode();
		}

	}

}
