package dev.eden.artifacts.checks.readme;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * No public signature of a published module names a type from an {@code internal} package: not a
 * supertype, a field, a parameter, a return type, a thrown type or a type argument. Internals stay
 * free to change; a type a user can see is API.
 */
class PublicApiFenceTest {
  private static final Pattern INTERNAL = Pattern.compile("\\bdev\\.eden\\.artifacts\\.(?:\\w+\\.)*internal\\.");

  @Test
  void noPublicSignatureNamesAnInternalType() throws Exception {
    Map<String, Path> modules = PublishedModules.onClasspath();
    assertThat(modules.keySet()).containsExactlyInAnyOrderElementsOf(PublishedModules.MODULE_NAMES.keySet());
    List<String> leaks = new ArrayList<>();
    int publicTypes = 0;
    for (Path entry : modules.values()) {
      for (String name : PublishedModules.classNames(entry)) {
        Class<?> type = Class.forName(name, false, getClass().getClassLoader());
        if (INTERNAL.matcher(name).find() || !isVisible(type)) {
          continue;
        }
        publicTypes++;
        leaks.addAll(leaksOf(type));
      }
    }
    assertThat(publicTypes).as("public types found").isGreaterThan(50);
    assertThat(leaks).isEmpty();
  }

  /** Public, and every enclosing class public too. */
  private static boolean isVisible(Class<?> type) {
    for (Class<?> c = type; c != null; c = c.getEnclosingClass()) {
      if (!Modifier.isPublic(c.getModifiers()) || c.isAnonymousClass() || c.isLocalClass()) {
        return false;
      }
    }
    return true;
  }

  private static List<String> leaksOf(Class<?> type) {
    List<String> leaks = new ArrayList<>();
    String owner = type.getName();
    if (type.getGenericSuperclass() != null) {
      check(leaks, owner + " extends", type.getGenericSuperclass());
    }
    for (Type i : type.getGenericInterfaces()) {
      check(leaks, owner + " implements", i);
    }
    boolean subclassable = !Modifier.isFinal(type.getModifiers());
    for (Field f : type.getDeclaredFields()) {
      if (visible(f.getModifiers(), subclassable)) {
        check(leaks, owner + "." + f.getName(), f.getGenericType());
      }
    }
    for (Method m : type.getDeclaredMethods()) {
      if (visible(m.getModifiers(), subclassable) && !m.isSynthetic()) {
        check(leaks, owner + "." + m.getName() + "()", m.getGenericReturnType());
        checkExecutable(leaks, owner + "." + m.getName() + "()", m);
      }
    }
    for (Constructor<?> c : type.getDeclaredConstructors()) {
      if (visible(c.getModifiers(), subclassable) && !c.isSynthetic()) {
        checkExecutable(leaks, owner + ".<init>()", c);
      }
    }
    return leaks;
  }

  private static boolean visible(int modifiers, boolean subclassable) {
    return Modifier.isPublic(modifiers) || (subclassable && Modifier.isProtected(modifiers));
  }

  private static void checkExecutable(List<String> leaks, String where, Executable e) {
    for (Type p : e.getGenericParameterTypes()) {
      check(leaks, where, p);
    }
    for (Type x : e.getGenericExceptionTypes()) {
      check(leaks, where + " throws", x);
    }
  }

  private static void check(List<String> leaks, String where, Type type) {
    String name = type.getTypeName();
    if (INTERNAL.matcher(name).find()) {
      leaks.add(where + " " + name);
    }
  }
}
