import { Field, Float, Int, ObjectType } from 'type-graphql';
import { Provider } from './enums.js';

@ObjectType({ description: 'Daily API requests used, as the provider last reported them.' })
export class ApiUsage {
  @Field(() => Int)
  used!: number;

  @Field(() => Int)
  limit!: number;
}

@ObjectType({ description: 'How this server is set up for one provider.' })
export class ProviderStatus {
  @Field(() => Provider)
  provider!: string;

  @Field(() => Boolean, { description: 'In SYNC_PROVIDERS: records get a sync state for it.' })
  enabled!: boolean;

  @Field(() => Boolean, { description: 'Credentials are set: changes are written to it.' })
  configured!: boolean;

  @Field(() => Boolean, { description: 'Its webhook endpoint accepts events.' })
  webhook!: boolean;

  @Field(() => ApiUsage, { nullable: true, description: 'Seen by this process; null until it has made a call.' })
  apiUsage!: ApiUsage | null;

  @Field(() => Float, {
    nullable: true,
    description:
      "Calls per second this process may make: the account's rate limit divided among the worker processes " +
      'calling it; null when not configured.',
  })
  rateLimitPerSecond!: number | null;
}
