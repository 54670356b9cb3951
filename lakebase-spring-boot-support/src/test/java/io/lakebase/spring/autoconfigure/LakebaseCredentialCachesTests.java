package io.lakebase.spring.autoconfigure;

import java.util.List;

import com.databricks.sdk.WorkspaceClient;
import io.lakebase.jdbc.LakebaseCredentialCache;
import io.lakebase.jdbc.LakebaseTarget;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LakebaseCredentialCaches}: which pools share a credential cache. Nothing here
 * calls a workspace.
 */
class LakebaseCredentialCachesTests {

	private final LakebaseCredentialCaches caches = new LakebaseCredentialCaches(new LakebaseProperties(), List.of());

	// Two identities: the caches tell them apart by their client objects.
	private final WorkspaceClient application = new WorkspaceClient(true);

	private final WorkspaceClient other = new WorkspaceClient(true);

	@AfterEach
	void close() {
		this.caches.onApplicationEvent(null);
	}

	@Test
	void oneIdentitySharesOneCacheAcrossAutoscalingEndpoints() {
		LakebaseCredentialCache primary = this.caches.of(this.application, endpoint("primary"));
		assertThat(this.caches.of(this.application, endpoint("analytics"))).isSameAs(primary);
		assertThat(this.caches.application(() -> this.application, endpoint("primary"))).isNotSameAs(primary);
	}

	@Test
	void anotherIdentityHasACacheOfItsOwn() {
		assertThat(this.caches.of(this.other, endpoint("primary")))
			.isNotSameAs(this.caches.of(this.application, endpoint("primary")));
	}

	@Test
	void provisionedCredentialsAreKeptPerInstanceAndApartFromAutoscalingOnes() {
		LakebaseCredentialCache orders = this.caches.of(this.application, LakebaseTarget.instance("orders"));
		assertThat(this.caches.of(this.application, LakebaseTarget.instance("orders"))).isSameAs(orders);
		assertThat(this.caches.of(this.application, LakebaseTarget.instance("billing"))).isNotSameAs(orders);
		assertThat(this.caches.of(this.application, endpoint("primary"))).isNotSameAs(orders);
		assertThat(orders.toString()).contains("instance=orders");
	}

	private static LakebaseTarget endpoint(String name) {
		return LakebaseTarget.endpoint("projects/p/branches/main/endpoints/" + name);
	}

}
