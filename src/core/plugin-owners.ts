import type { InjectionToken } from "tsyringe";

/** The id of the plugin module that contributed an instance (a grant's namespace in the single-use store). */
export type ContributionOwner = (contribution: object) => string;

export const ContributionOwnerToken: InjectionToken<ContributionOwner> = Symbol("ContributionOwner");
