package io.lakebase.spring.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import io.lakebase.jdbc.LakebaseTarget;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.util.ClassUtils;

/**
 * Says once, at INFO, that the auto-configured Lakebase data source backed off because the
 * application defines its own {@code DataSource} or {@code JdbcConnectionDetails}: a second
 * {@code DataSource} bean that is a default candidate otherwise switches the starter's off
 * without a word.
 */
final class LakebaseBackOffReport implements SmartInitializingSingleton {

	private static final Logger logger = LoggerFactory.getLogger(LakebaseBackOffReport.class);

	private final ObjectProvider<LakebasePrimaryConnection> primary;

	private final LakebaseTarget target;

	private final ListableBeanFactory beanFactory;

	LakebaseBackOffReport(ObjectProvider<LakebasePrimaryConnection> primary, LakebaseTarget target,
			ListableBeanFactory beanFactory) {
		this.primary = primary;
		this.target = target;
		this.beanFactory = beanFactory;
	}

	@Override
	public void afterSingletonsInstantiated() {
		if (this.primary.getIfAvailable() != null) {
			return;
		}
		List<String> beans = new ArrayList<>();
		for (String type : new String[] { "javax.sql.DataSource", LakebaseAutoConfiguration.BOOT4_JDBC_CONNECTION_DETAILS,
				LakebaseAutoConfiguration.BOOT3_JDBC_CONNECTION_DETAILS }) {
			if (ClassUtils.isPresent(type, getClass().getClassLoader())) {
				Class<?> beanType = ClassUtils.resolveClassName(type, getClass().getClassLoader());
				for (String name : this.beanFactory.getBeanNamesForType(beanType, true, false)) {
					beans.add(name + " (" + ClassUtils.getShortName(type) + ")");
				}
			}
		}
		logger.info("Lakebase: the application defines its own {}, so no DataSource is auto-configured for {}. "
				+ "LakebaseDataSourceBuilder still builds Lakebase data sources from the lakebase.* settings. To use "
				+ "the auto-configured one, remove that bean or declare it @Bean(defaultCandidate = false).",
				beans.isEmpty() ? "DataSource" : String.join(", ", beans), this.target);
	}

}
