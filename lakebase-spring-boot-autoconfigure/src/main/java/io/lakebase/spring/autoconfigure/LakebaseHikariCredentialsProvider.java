package io.lakebase.spring.autoconfigure;

import com.zaxxer.hikari.HikariCredentialsProvider;
import com.zaxxer.hikari.util.Credentials;
import io.lakebase.spring.autoconfigure.credential.LakebaseCredentialCache;

/**
 * Gives Hikari the Lakebase user and the current credential for each new physical connection.
 * Hikari never asks on borrow, and the cache answers from memory in steady state.
 */
final class LakebaseHikariCredentialsProvider implements HikariCredentialsProvider {

	private final LakebaseConnectionDetails details;

	private final LakebaseCredentialCache cache;

	LakebaseHikariCredentialsProvider(LakebaseConnectionDetails details, LakebaseCredentialCache cache) {
		this.details = details;
		this.cache = cache;
	}

	@Override
	public Credentials getCredentials() {
		return Credentials.of(this.details.getUsername(), this.cache.get().token());
	}

	@Override
	public String toString() {
		return "LakebaseHikariCredentialsProvider[user=" + this.details.getUsername() + "]";
	}

}
