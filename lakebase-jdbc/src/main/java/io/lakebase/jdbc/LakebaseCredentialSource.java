package io.lakebase.jdbc;

import java.time.Duration;
import java.util.function.Supplier;

import com.databricks.sdk.WorkspaceClient;
import org.jspecify.annotations.Nullable;

/**
 * Obtains a new database credential from Databricks, one API call per invocation.
 * Implementations do not cache: {@link LakebaseCredentialCache} does.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface LakebaseCredentialSource {

	/** The longest credential lifetime Lakebase issues. */
	Duration MAXIMUM_LIFETIME = Duration.ofHours(1);

	/**
	 * Obtains a new credential.
	 * @return the credential
	 * @throws RuntimeException when the API refuses or cannot be reached (the Databricks SDK's
	 * exceptions pass through unchanged)
	 */
	LakebaseCredential fetch();

	/**
	 * Returns the longest lifetime a credential from this source can have. An expiry further
	 * ahead than this (a local clock behind the workspace's, say) is not believed.
	 * @return the maximum lifetime (one hour unless a shorter one is requested)
	 */
	default Duration maximumLifetime() {
		return MAXIMUM_LIFETIME;
	}

	/**
	 * Returns how long the workspace asked, in its latest throttled answer ({@code 429} or
	 * {@code 503} with {@code Retry-After}), to wait before the next call, when that answer is
	 * recent: the cache makes no call before it.
	 * @return what is left of the delay, or {@code null} when none was asked for
	 */
	default @Nullable Duration retryAfter() {
		return null;
	}

	/**
	 * Returns the source for a target: the Autoscaling API for an endpoint (for a branch, its
	 * endpoint, looked up at the first call), the Provisioned API for an instance.
	 * @param target the endpoint or instance
	 * @param workspaceClient the client to call the API with, obtained on the first call
	 * @param ttl the lifetime to request (Autoscaling only; the API accepts 5 minutes to 1 hour)
	 * @return the source
	 * @throws LakebaseConfigurationException when the lifetime is out of range
	 */
	static LakebaseCredentialSource forTarget(LakebaseTarget target, Supplier<WorkspaceClient> workspaceClient,
			Duration ttl) {
		return forTarget(target, workspaceClient, ttl, LakebaseObserver.NONE);
	}

	/**
	 * Returns the source for a target, whose calls an observer is told about.
	 * @param target the endpoint, branch or instance
	 * @param workspaceClient the client to call the API with, obtained on the first call
	 * @param ttl the lifetime to request (Autoscaling only; the API accepts 5 minutes to 1 hour)
	 * @param observer told about each call ({@link LakebaseObserver.Step#CREDENTIAL_FETCH})
	 * @return the source
	 * @throws LakebaseConfigurationException when the lifetime is out of range
	 */
	static LakebaseCredentialSource forTarget(LakebaseTarget target, Supplier<WorkspaceClient> workspaceClient,
			Duration ttl, LakebaseObserver observer) {
		LakebaseCredentialSource source = unobserved(target, workspaceClient, ttl);
		return (observer == LakebaseObserver.NONE) ? source : new ObservedCredentialSource(source, target, observer);
	}

	private static LakebaseCredentialSource unobserved(LakebaseTarget target, Supplier<WorkspaceClient> workspaceClient,
			Duration ttl) {
		if (target.flavour() == LakebaseTarget.Flavour.PROVISIONED) {
			return new ProvisionedCredentialSource(workspaceClient, target.name());
		}
		if (target.isBranch()) {
			return new AutoscalingCredentialSource(workspaceClient, target.name(),
					new BranchEndpoints(workspaceClient, target), ttl);
		}
		return new AutoscalingCredentialSource(workspaceClient, target.name(), ttl);
	}

}
