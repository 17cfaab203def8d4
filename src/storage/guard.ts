/** Wraps every (async) method of `target` so a rejection is rethrown through `translate`: one error mapping per adapter. */
export function guarded<T extends object>(target: T, translate: (error: unknown) => unknown): T {
  return new Proxy(target, {
    get(object, property, receiver) {
      const value: unknown = Reflect.get(object, property, receiver);
      if (typeof value !== "function") return value;
      return async (...args: unknown[]) => {
        try {
          return await value.apply(object, args);
        } catch (error) {
          throw translate(error);
        }
      };
    },
  });
}
