package io.lakebase.test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The JUnit 5 side of {@link LakebaseTestBranch @LakebaseTestBranch}: makes (or shares) the
 * class's branch before its tests, resolves {@link TestBranch} parameters, deletes a class's own
 * branch after it and the run's branches when the run ends (the launcher session,
 * {@link TestBranchSessions}).
 *
 * <p>
 * Settings come from JUnit configuration parameters (system properties,
 * {@code junit-platform.properties}), then from environment variables ({@code
 * LAKEBASE_TEST_PARENT} for {@code lakebase.test.parent}). In a Spring test the Spring test
 * context makes the branch instead, from the application's environment, so that the application
 * and the branch see the same settings.
 *
 * @since 0.1.0
 */
public class LakebaseTestBranchExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

	private static final Namespace NAMESPACE = Namespace.create(LakebaseTestBranchExtension.class);

	private static final String SPRING_EXTENSION = "org.springframework.test.context.junit.jupiter.SpringExtension";

	private final TestBranchRegistry registry;

	/**
	 * Creates the extension, on the branches shared by this JVM.
	 */
	public LakebaseTestBranchExtension() {
		this(TestBranchRegistry.INSTANCE);
	}

	LakebaseTestBranchExtension(TestBranchRegistry registry) {
		this.registry = registry;
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		branch(context);
	}

	@Override
	public void afterAll(ExtensionContext context) {
		Owner owner = context.getStore(NAMESPACE).get(Owner.class, Owner.class);
		if (owner != null && owner.testClass() == context.getRequiredTestClass()) {
			this.registry.release(owner.settings(), owner.scope());
		}
	}

	@Override
	public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		return parameterContext.getParameter().getType() == TestBranch.class
				&& !isSpringTest(extensionContext.getRequiredTestClass());
	}

	@Override
	public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		ExtensionContext classContext = extensionContext;
		while (classContext.getTestMethod().isPresent() && classContext.getParent().isPresent()) {
			classContext = classContext.getParent().get();
		}
		// A constructor's parameter under @TestInstance(PER_CLASS) comes before beforeAll.
		TestBranch branch = branch(classContext);
		if (branch == null) {
			throw new ParameterResolutionException("No Lakebase test branch: the class has no @LakebaseTestBranch");
		}
		return branch;
	}

	// The class's branch, made (or shared) at the first call.
	private @Nullable TestBranch branch(ExtensionContext context) {
		ExtensionContext.Store store = context.getStore(NAMESPACE);
		BranchRef existing = store.get(BranchRef.class, BranchRef.class);
		Class<?> testClass = context.getRequiredTestClass();
		if (existing != null || isSpringTest(testClass)) {
			// A @Nested class runs on its enclosing class's branch; a Spring test context makes its
			// own (LakebaseTestBranchContextCustomizerFactory).
			return (existing != null) ? existing.branch() : null;
		}
		LakebaseTestBranch annotation = annotation(testClass);
		TestBranchSettings settings = TestBranchSettings.from((name) -> setting(context, name), annotation.parent());
		boolean classScope = annotation.scope() == LakebaseTestBranch.Scope.CLASS;
		String scope = classScope ? testClass.getName() : TestBranchRegistry.RUN;
		// Counted only when taken: a failed acquisition holds nothing.
		TestBranch branch = this.registry.acquire(settings, scope);
		if (classScope) {
			store.put(Owner.class, new Owner(testClass, settings, scope));
		}
		else if (!TestBranchSessions.releaseAtEnd(() -> this.registry.release(settings, scope))) {
			// No launcher session (an engine run on its own): the run ends with this execution.
			context.getRoot()
				.getStore(NAMESPACE)
				.getOrComputeIfAbsent(RunEnd.class, (key) -> new RunEnd(this.registry), RunEnd.class)
				.held(settings);
		}
		// Not the branch itself: JUnit 5.13 and later close what a store holds that is AutoCloseable.
		store.put(BranchRef.class, new BranchRef(branch));
		return branch;
	}

	private static LakebaseTestBranch annotation(Class<?> testClass) {
		for (Class<?> candidate = testClass; candidate != null; candidate = candidate.getEnclosingClass()) {
			Optional<LakebaseTestBranch> found = AnnotationSupport.findAnnotation(candidate, LakebaseTestBranch.class);
			if (found.isPresent()) {
				return found.get();
			}
		}
		throw new IllegalStateException(testClass.getName() + " uses " + LakebaseTestBranchExtension.class.getSimpleName()
				+ " without @" + LakebaseTestBranch.class.getSimpleName() + ": annotate the class with it instead");
	}

	private static boolean isSpringTest(Class<?> testClass) {
		for (Class<?> candidate = testClass; candidate != null; candidate = candidate.getEnclosingClass()) {
			for (ExtendWith extendWith : AnnotationSupport.findRepeatableAnnotations(candidate, ExtendWith.class)) {
				for (Class<?> extension : extendWith.value()) {
					if (extension.getName().equals(SPRING_EXTENSION)) {
						return true;
					}
				}
			}
		}
		return false;
	}

	private static @Nullable String setting(ExtensionContext context, String name) {
		return context.getConfigurationParameter(name)
			.orElseGet(() -> System.getenv(TestBranchSettings.environmentVariable(name)));
	}

	private record Owner(Class<?> testClass, TestBranchSettings settings, String scope) {
	}

	private record BranchRef(TestBranch branch) {
	}

	// Closed by JUnit at the end of an execution: a CloseableResource for JUnit 5, AutoCloseable for 6.
	private static final class RunEnd implements ExtensionContext.Store.CloseableResource, AutoCloseable {

		private final TestBranchRegistry registry;

		private final List<TestBranchSettings> held = new ArrayList<>();

		RunEnd(TestBranchRegistry registry) {
			this.registry = registry;
		}

		synchronized void held(TestBranchSettings settings) {
			this.held.add(settings);
		}

		@Override
		public void close() {
			List<TestBranchSettings> released;
			synchronized (this) {
				released = new ArrayList<>(this.held);
				this.held.clear();
			}
			released.forEach((settings) -> this.registry.release(settings, TestBranchRegistry.RUN));
		}

	}

}
