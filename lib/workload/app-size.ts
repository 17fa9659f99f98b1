import * as kplus from 'cdk8s-plus-28';
import { SIZES } from '../defaults';

/**
 * A preset of CPU, memory and ephemeral-storage requests and limits for one container.
 *
 * Pick a preset with `size` and override single values with `resources`.
 */
export class AppSize {
  /** 100m-500m CPU, 128-256Mi memory, 1-2Gi ephemeral storage. */
  public static readonly SMALL = new AppSize('small', SIZES.small);
  /** 250m-1 CPU, 512Mi-1Gi memory, 2-4Gi ephemeral storage. */
  public static readonly MEDIUM = new AppSize('medium', SIZES.medium);
  /** 1-2 CPU, 2-4Gi memory, 4-8Gi ephemeral storage. */
  public static readonly LARGE = new AppSize('large', SIZES.large);

  /**
   * A custom preset.
   */
  public static custom(name: string, resources: kplus.ContainerResources): AppSize {
    return new AppSize(name, resources);
  }

  private constructor(
    /** The preset's name, for messages. */
    public readonly name: string,
    /** The requests and limits of the preset. */
    public readonly resources: kplus.ContainerResources,
  ) {}

  public toString(): string {
    return this.name;
  }
}
