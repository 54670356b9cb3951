package io.lakebase.spring.autoconfigure;

import java.sql.SQLException;

import javax.sql.DataSource;

import io.lakebase.jdbc.LakebaseConfigurationException;
import io.lakebase.jdbc.LakebaseConnectionSettings;
import io.lakebase.jdbc.LakebaseSchemas;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Checks, with {@code lakebase.fail-fast}, that the schemas of {@code lakebase.schema} exist once
 * every singleton is made, and so after Flyway or Liquibase ran (which may create them): a missing
 * schema fails the start with a report naming the property, instead of tables silently resolving
 * elsewhere in the search path.
 */
final class LakebaseSchemaCheck implements SmartInitializingSingleton {

	private final LakebaseConnectionSettings settings;

	private final BeanFactory beanFactory;

	LakebaseSchemaCheck(LakebaseConnectionSettings settings, BeanFactory beanFactory) {
		this.settings = settings;
		this.beanFactory = beanFactory;
	}

	@Override
	public void afterSingletonsInstantiated() {
		if (this.settings.schemaNames().isEmpty()) {
			return;
		}
		try {
			LakebaseSchemas.requireExisting(this.beanFactory.getBean("dataSource", DataSource.class), this.settings);
		}
		catch (LakebaseConfigurationException ex) {
			throw LakebasePropertyFailures.of(ex);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not check that the schema " + this.settings.schema()
					+ " (lakebase.schema) exists: " + ex.getMessage(), ex);
		}
	}

}
