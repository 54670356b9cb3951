package io.lakebase.spring.autoconfigure.aot;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.util.ClassUtils;

/**
 * Reflection hints for a native image: the Databricks SDK reads and writes its request and
 * response models with Jackson and its configuration by reflection on its fields. The hints cover
 * the models of the calls the starter makes (credentials, endpoint and instance lookups, the
 * current user, OAuth, errors) and every SDK type they hold, found by walking their fields when the
 * hints are built, and the JDK proxies of the read replica routing (a logical connection and its
 * statements). PgJDBC and HikariCP ship hints of their own; Spring Boot's AOT processing covers
 * the {@code lakebase.*} properties.
 */
public class LakebaseRuntimeHints implements RuntimeHintsRegistrar {

	private static final String SDK_PACKAGE = "com.databricks.sdk.";

	// The roots: what the starter's calls send and receive.
	static final List<String> ROOTS = List.of("com.databricks.sdk.core.DatabricksConfig",
			"com.databricks.sdk.core.error.ApiErrorBody", "com.databricks.sdk.core.error.details.ErrorDetails",
			"com.databricks.sdk.core.oauth.HostMetadata", "com.databricks.sdk.core.oauth.OpenIDConnectEndpoints",
			"com.databricks.sdk.core.oauth.OAuthResponse", "com.databricks.sdk.core.oauth.Token",
			"com.databricks.sdk.service.postgres.GenerateDatabaseCredentialRequest",
			"com.databricks.sdk.service.postgres.DatabaseCredential",
			"com.databricks.sdk.service.postgres.GetEndpointRequest", "com.databricks.sdk.service.postgres.Endpoint",
			"com.databricks.sdk.service.database.GenerateDatabaseCredentialRequest",
			"com.databricks.sdk.service.database.DatabaseCredential",
			"com.databricks.sdk.service.database.GetDatabaseInstanceRequest",
			"com.databricks.sdk.service.database.DatabaseInstance", "com.databricks.sdk.service.iam.MeRequest",
			"com.databricks.sdk.service.iam.User");

	private static final MemberCategory[] MEMBERS = { MemberCategory.INVOKE_DECLARED_CONSTRUCTORS,
			MemberCategory.INVOKE_DECLARED_METHODS, MemberCategory.DECLARED_FIELDS };

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		// The read replica routing's logical connections and their statements are JDK proxies.
		for (Class<?> type : new Class<?>[] { Connection.class, Statement.class, PreparedStatement.class,
				CallableStatement.class }) {
			hints.proxies().registerJdkProxy(type);
		}
		Set<Class<?>> seen = new HashSet<>();
		for (String root : ROOTS) {
			if (ClassUtils.isPresent(root, classLoader)) {
				register(hints, ClassUtils.resolveClassName(root, classLoader), seen);
			}
		}
	}

	private void register(RuntimeHints hints, Class<?> type, Set<Class<?>> seen) {
		if (!type.getName().startsWith(SDK_PACKAGE) || !seen.add(type)) {
			return;
		}
		hints.reflection().registerType(type, MEMBERS);
		for (Field field : type.getDeclaredFields()) {
			if (!Modifier.isStatic(field.getModifiers())) {
				registerAll(hints, field.getGenericType(), seen);
			}
		}
		for (Class<?> nested : type.getDeclaredClasses()) {
			register(hints, nested, seen);
		}
	}

	private void registerAll(RuntimeHints hints, Type type, Set<Class<?>> seen) {
		if (type instanceof Class<?> raw) {
			register(hints, raw.isArray() ? raw.getComponentType() : raw, seen);
		}
		else if (type instanceof ParameterizedType parameterized) {
			registerAll(hints, parameterized.getRawType(), seen);
			for (Type argument : parameterized.getActualTypeArguments()) {
				registerAll(hints, argument, seen);
			}
		}
	}

}
