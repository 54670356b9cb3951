package io.lakebase.spring.benchmarks;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

/**
 * The smallest Spring Boot application with a {@code DataSource}: auto-configuration and nothing
 * else. Variant A adds {@link GuideConfiguration}; B and C differ only in their properties.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
class BenchmarkApplication {

}
