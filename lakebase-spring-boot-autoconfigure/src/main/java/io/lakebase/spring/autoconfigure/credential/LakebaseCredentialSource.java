package io.lakebase.spring.autoconfigure.credential;

/**
 * Obtains a new database credential from Databricks, one API call per invocation. Implementations
 * do not cache: {@link LakebaseCredentialCache} does.
 */
@FunctionalInterface
public interface LakebaseCredentialSource {

	/**
	 * Obtains a new credential.
	 * @return the credential
	 * @throws RuntimeException when the API refuses or cannot be reached (the Databricks SDK's
	 * exceptions pass through unchanged)
	 */
	LakebaseCredential fetch();

}
