package io.lakebase.test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;

import io.lakebase.spring.autoconfigure.LakebaseConnectionDetails;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.support.DefaultSingletonBeanRegistry;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.test.context.TestContextAnnotationUtils;
import org.springframework.util.ClassUtils;

/**
 * The Spring test side of {@link LakebaseTestBranch @LakebaseTestBranch}: before the application
 * context starts, makes (or shares) the branch from the context's environment (the test's
 * properties, {@code application.yml}, system properties, environment variables), puts the
 * {@link TestBranch#springProperties() properties that point the starter at it} first, and
 * registers the {@link TestBranch} as a bean. Contexts of the same run scope are cached and shared
 * as usual; each context holds its branch until it is closed, so that the branch is deleted after
 * the last context and the run (or the class) that use it.
 *
 * @since 0.1.0
 */
public class LakebaseTestBranchContextCustomizerFactory implements ContextCustomizerFactory {

	@Override
	public @Nullable ContextCustomizer createContextCustomizer(Class<?> testClass,
			List<ContextConfigurationAttributes> configAttributes) {
		LakebaseTestBranch annotation = TestContextAnnotationUtils.findMergedAnnotation(testClass,
				LakebaseTestBranch.class);
		if (annotation == null) {
			return null;
		}
		String scope = (annotation.scope() == LakebaseTestBranch.Scope.CLASS) ? testClass.getName()
				: TestBranchRegistry.RUN;
		return new Customizer(annotation.parent(), scope);
	}

	private static final String STARTER_DETAILS = "io.lakebase.spring.autoconfigure.LakebaseConnectionDetails";

	// Apart, so that the starter's classes are loaded only when it is there. Checks the connection
	// details as they are made, before any connection (or migration) uses them: a
	// LakebaseConnectionDetails bean of the application's own would not read lakebase.endpoint.
	private static final class StarterTarget implements BeanPostProcessor {

		private final TestBranch branch;

		StarterTarget(TestBranch branch) {
			this.branch = branch;
		}

		@Override
		public Object postProcessAfterInitialization(Object bean, String beanName) {
			if (bean instanceof LakebaseConnectionDetails details) {
				String target = details.getSettings().target().name();
				if (!target.equals(this.branch.endpoint())) {
					throw new TestBranchException("lakebase.endpoint", "The application connects to " + target
							+ ", not to the test branch's compute " + this.branch.endpoint() + ": its bean '" + beanName
							+ "' (LakebaseConnectionDetails) does not follow lakebase.endpoint. Refusing to run tests "
							+ "against another database than the branch: leave that bean out of the tests, or make it "
							+ "read lakebase.endpoint.");
				}
			}
			return bean;
		}

	}

	private static final class Customizer implements ContextCustomizer {

		private final String parent;

		private final String scope;

		Customizer(String parent, String scope) {
			this.parent = parent;
			this.scope = scope;
		}

		@Override
		public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration configuration) {
			ConfigurableEnvironment environment = context.getEnvironment();
			TestBranchSettings settings = TestBranchSettings.from(environment::getProperty, this.parent);
			TestBranch branch = TestBranchRegistry.INSTANCE.acquire(settings, this.scope);
			if (context.getBeanFactory() instanceof DefaultSingletonBeanRegistry beans) {
				// Held while the context lives (cached contexts too); registered before every other
				// bean, so released after them: after the pool is closed.
				beans.registerDisposableBean("lakebaseTestBranchRelease",
						() -> TestBranchRegistry.INSTANCE.release(settings, this.scope));
			}
			environment.getPropertySources()
				.addFirst(new MapPropertySource("lakebaseTestBranch", new LinkedHashMap<>(branch.springProperties())));
			context.getBeanFactory().registerSingleton("lakebaseTestBranch", branch);
			if (ClassUtils.isPresent(STARTER_DETAILS, context.getClassLoader())) {
				context.getBeanFactory().addBeanPostProcessor(new StarterTarget(branch));
			}
		}

		@Override
		public boolean equals(@Nullable Object other) {
			return other instanceof Customizer that && this.parent.equals(that.parent) && this.scope.equals(that.scope);
		}

		@Override
		public int hashCode() {
			return Objects.hash(this.parent, this.scope);
		}

	}

}
