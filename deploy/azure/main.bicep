// GeoMachine on Azure: Container Apps (the five services + the schema-init job), Service Bus (the four queues),
// Database for PostgreSQL Flexible Server 15 (PostGIS, pgstac), Blob Storage, one user-assigned managed identity,
// Log Analytics. Deploy into an existing resource group:
//
//   az deployment group create -g <resource-group> -f deploy/azure/main.bicep -p deploy/azure/main.parameters.json \
//      -p postgresAdminPassword=<secret>
//   az containerapp job start -g <resource-group> -n <namePrefix>-schema-init     # then on every release, before the apps
//
// What is a PLACEHOLDER (search for the word): the registry, names, SKUs and sizes, the blob containers, the database
// TLS trust setting, the blob endpoint variable. Everything else mirrors the local platform (./platform,
// application.properties, docker-compose.yml): same queue names, same environment variables, same ports and probes.
//
// Authentication, as it is today (deploy/README.md explains the why and the road to passwordless):
//   - Blob Storage: the managed identity (Storage Blob Data Contributor); shared keys are off.
//   - Container registry pulls and the KEDA scale rules on Service Bus: the managed identity.
//   - AMQP to Service Bus: SASL PLAIN with a shared access policy (name = AMQP_USERNAME, key = AMQP_PASSWORD), because
//     the SmallRye AMQP connector has no Entra ID (CBS token) support. Service Bus accepts AMQP only over TLS (5671).
//   - PostgreSQL: password of the administrator login (Entra ID authentication is enabled on the server for later).

targetScope = 'resourceGroup'

@description('Azure region; the resource group\'s by default.')
param location string = resourceGroup().location

@description('PLACEHOLDER: prefix of every resource name (lower-case letters, digits, hyphens).')
@minLength(3)
@maxLength(12)
param namePrefix string = 'geomachine'

@description('PLACEHOLDER: login server of the registry with the six images (geomachine/<service> and geomachine/schema-init), e.g. myregistry.azurecr.io.')
param registryServer string

@description('Grant the identity AcrPull on this resource group (right when the Azure Container Registry is in it). Otherwise grant AcrPull on your registry yourself.')
param grantAcrPullOnResourceGroup bool = true

@description('Image tag of the release (the same for the six images).')
param imageTag string = '0.1.0-SNAPSHOT'

@description('PostgreSQL administrator login, used by the services and by schema-init.')
param postgresAdminLogin string = 'geomachine_admin'

@description('PostgreSQL administrator password.')
@secure()
param postgresAdminPassword string

@description('PLACEHOLDER: PostgreSQL compute. max_connections follows the memory (Standard_D2ds_v5, 8 GiB: 859); every service replica holds up to its pool size (16 gateway/orchestrator, 24 workers).')
param postgresSkuName string = 'Standard_D2ds_v5'

@allowed([
  'Burstable'
  'GeneralPurpose'
  'MemoryOptimized'
])
param postgresSkuTier string = 'GeneralPurpose'

@description('PLACEHOLDER: PostgreSQL storage in GiB.')
param postgresStorageGb int = 128

@allowed([
  'Standard'
  'Premium'
])
@description('Service Bus tier: Standard is enough for the queues; Premium for private networking and 100 MB messages.')
param serviceBusSku string = 'Standard'

@description('PLACEHOLDER: blob containers to create (the services may also create their own).')
param blobContainers array = []

@description('Allow shared-key access to the storage account. Off: managed identity only. GDAL /vsiaz/ in Container Apps cannot use the managed identity (it only knows the VM metadata endpoint), see deploy/README.md.')
param storageAllowSharedKeyAccess bool = false

@description('Upper bound of raster workers (KEDA on geomachine.tasks.raster).')
param workerRasterMaxReplicas int = 8

@description('Upper bound of vector workers (KEDA on geomachine.tasks.vector).')
param workerVectorMaxReplicas int = 6

// ------------------------------------------------------------------------------------------------------------------
// names and constants
// ------------------------------------------------------------------------------------------------------------------
var suffix = uniqueString(resourceGroup().id, namePrefix)
var names = {
  identity: '${namePrefix}-identity'
  logs: '${namePrefix}-logs'
  environment: '${namePrefix}-env'
  serviceBus: '${namePrefix}-sb-${suffix}'
  postgres: '${namePrefix}-pg-${suffix}'
  storage: take(toLower('${replace(namePrefix, '-', '')}${suffix}'), 24)
}

// application.properties geomachine.queues.* and ./platform ARTEMIS_QUEUES
var queueNames = {
  jobs: 'geomachine.jobs'
  rasterTasks: 'geomachine.tasks.raster'
  vectorTasks: 'geomachine.tasks.vector'
  deadLetters: 'geomachine.dead-letters'
}

// built-in role definition ids
var roles = {
  acrPull: '7f951dca-4b2c-4c8c-9c88-8e5c5fd2d8a4'
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  // reading a queue's message count (the KEDA azure-servicebus scaler) is a management operation: Data Owner
  serviceBusDataOwner: '090c5cfd-751d-490a-894a-3ce6f1109419'
}

// ------------------------------------------------------------------------------------------------------------------
// identity, logs
// ------------------------------------------------------------------------------------------------------------------
resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: names.identity
  location: location
}

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: names.logs
  location: location
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: 30
  }
}

// ------------------------------------------------------------------------------------------------------------------
// Service Bus: the four queues
// ------------------------------------------------------------------------------------------------------------------
resource serviceBus 'Microsoft.ServiceBus/namespaces@2021-11-01' = {
  name: names.serviceBus
  location: location
  sku: {
    name: serviceBusSku
    tier: serviceBusSku
    capacity: serviceBusSku == 'Premium' ? 1 : null
  }
  properties: {
    // shared access policies stay enabled: the services' AMQP login is one (see the header)
    disableLocalAuth: false
  }
}

// maxDeliveryCount 10 = Artemis max-delivery-attempts locally (deploy/artemis/broker.properties): a message nacked
// (modified-failed) or whose lock expired 10 times moves to the queue's $DeadLetterQueue. lockDuration is the
// maximum (5 minutes): a consumer must settle a message within it, or Service Bus hands it to another consumer.
resource queues 'Microsoft.ServiceBus/namespaces/queues@2021-11-01' = [for q in items(queueNames): {
  parent: serviceBus
  name: q.value
  properties: {
    maxDeliveryCount: 10
    deadLetteringOnMessageExpiration: true
    lockDuration: 'PT5M'
    defaultMessageTimeToLive: 'P14D'
    maxSizeInMegabytes: 1024
    requiresDuplicateDetection: false
    requiresSession: false
    enablePartitioning: false
    enableBatchedOperations: true
  }
}]

// The services' AMQP login (SASL PLAIN): user = this policy's name, password = its key.
resource appAccessPolicy 'Microsoft.ServiceBus/namespaces/AuthorizationRules@2021-11-01' = {
  parent: serviceBus
  name: 'geomachine-app'
  properties: {
    rights: [
      'Listen'
      'Send'
    ]
  }
}

// ------------------------------------------------------------------------------------------------------------------
// PostgreSQL 15 Flexible Server, database geomachine, extensions for PostGIS and pgstac
// ------------------------------------------------------------------------------------------------------------------
resource postgres 'Microsoft.DBforPostgreSQL/flexibleServers@2022-12-01' = {
  name: names.postgres
  location: location
  sku: {
    name: postgresSkuName
    tier: postgresSkuTier
  }
  properties: {
    version: '15'
    administratorLogin: postgresAdminLogin
    administratorLoginPassword: postgresAdminPassword
    storage: {
      storageSizeGB: postgresStorageGb
    }
    backup: {
      backupRetentionDays: 7
      geoRedundantBackup: 'Disabled'
    }
    highAvailability: {
      mode: 'Disabled' // PLACEHOLDER: ZoneRedundant for production
    }
    authConfig: {
      activeDirectoryAuth: 'Enabled'
      passwordAuth: 'Enabled'
      tenantId: subscription().tenantId
    }
  }
}

// CREATE EXTENSION works only for allow-listed extensions: postgis (app, pgstac), btree_gist and unaccent (pgstac).
// The server's child resources are changed one after the other (parallel updates fail with ServerIsBusy).
resource postgresExtensions 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2022-12-01' = {
  parent: postgres
  name: 'azure.extensions'
  properties: {
    value: 'POSTGIS,BTREE_GIST,UNACCENT'
    source: 'user-override'
  }
}

resource postgresDatabase 'Microsoft.DBforPostgreSQL/flexibleServers/databases@2022-12-01' = {
  parent: postgres
  name: 'geomachine'
  properties: {
    charset: 'UTF8'
    collation: 'en_US.utf8'
  }
  dependsOn: [
    postgresExtensions
  ]
}

// PLACEHOLDER: public access limited to Azure services. Production: VNet integration (a delegated subnet) and a
// Container Apps environment in the same VNet.
resource postgresFirewallAzure 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2022-12-01' = {
  parent: postgres
  name: 'AllowAzureServices'
  properties: {
    startIpAddress: '0.0.0.0'
    endIpAddress: '0.0.0.0'
  }
  dependsOn: [
    postgresDatabase
  ]
}

// ------------------------------------------------------------------------------------------------------------------
// Blob Storage
// ------------------------------------------------------------------------------------------------------------------
resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: names.storage
  location: location
  sku: {
    name: 'Standard_LRS' // PLACEHOLDER: Standard_ZRS or GZRS for production
  }
  kind: 'StorageV2'
  properties: {
    accessTier: 'Hot'
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowBlobPublicAccess: false
    allowSharedKeyAccess: storageAllowSharedKeyAccess
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = [for c in blobContainers: {
  parent: blobService
  name: c
  properties: {
    publicAccess: 'None'
  }
}]

// ------------------------------------------------------------------------------------------------------------------
// role assignments of the identity
// ------------------------------------------------------------------------------------------------------------------
resource blobContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, identity.id, roles.storageBlobDataContributor)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataContributor)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource serviceBusOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(serviceBus.id, identity.id, roles.serviceBusDataOwner)
  scope: serviceBus
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.serviceBusDataOwner)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource acrPull 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (grantAcrPullOnResourceGroup) {
  name: guid(resourceGroup().id, identity.id, roles.acrPull)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.acrPull)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

// ------------------------------------------------------------------------------------------------------------------
// Container Apps environment
// ------------------------------------------------------------------------------------------------------------------
resource appsEnvironment 'Microsoft.App/managedEnvironments@2025-01-01' = {
  name: names.environment
  location: location
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: logs.properties.customerId
        sharedKey: logs.listKeys().primarySharedKey
      }
    }
    workloadProfiles: [
      {
        name: 'Consumption'
        workloadProfileType: 'Consumption'
      }
    ]
    zoneRedundant: false // PLACEHOLDER: true (needs a VNet) for production
  }
}

// Secrets of every app (Container Apps secrets; PLACEHOLDER: reference Key Vault secrets with keyVaultUrl + identity instead)
var appSecrets = [
  {
    name: 'postgres-password'
    value: postgresAdminPassword
  }
  {
    name: 'servicebus-key'
    value: appAccessPolicy.listKeys().primaryKey
  }
]

// The environment variables of docker-compose.yml's x-service-env, pointed at the Azure services
var commonEnv = [
  {
    name: 'QUARKUS_DATASOURCE_REACTIVE_URL'
    value: 'postgresql://${postgres.properties.fullyQualifiedDomainName}:5432/geomachine'
  }
  {
    name: 'QUARKUS_DATASOURCE_REACTIVE_POSTGRESQL_SSL_MODE'
    value: 'require'
  }
  {
    // PLACEHOLDER: encrypted but not verified. Harden: QUARKUS_DATASOURCE_REACTIVE_TRUST_CERTIFICATE_PEM=true,
    // QUARKUS_DATASOURCE_REACTIVE_TRUST_CERTIFICATE_PEM_CERTS=<Azure's root CA PEM in the image>,
    // QUARKUS_DATASOURCE_REACTIVE_HOSTNAME_VERIFICATION_ALGORITHM=HTTPS, and drop this one.
    name: 'QUARKUS_DATASOURCE_REACTIVE_TRUST_ALL'
    value: 'true'
  }
  {
    name: 'QUARKUS_DATASOURCE_USERNAME'
    value: postgresAdminLogin
  }
  {
    name: 'QUARKUS_DATASOURCE_PASSWORD'
    secretRef: 'postgres-password'
  }
  {
    name: 'AMQP_HOST'
    value: '${serviceBus.name}.servicebus.windows.net'
  }
  {
    name: 'AMQP_PORT'
    value: '5671'
  }
  {
    name: 'AMQP_USE_SSL'
    value: 'true'
  }
  {
    name: 'AMQP_USERNAME'
    value: appAccessPolicy.name
  }
  {
    name: 'AMQP_PASSWORD'
    secretRef: 'servicebus-key'
  }
  {
    name: 'GEOMACHINE_QUEUES_JOBS'
    value: queueNames.jobs
  }
  {
    name: 'GEOMACHINE_QUEUES_RASTER_TASKS'
    value: queueNames.rasterTasks
  }
  {
    name: 'GEOMACHINE_QUEUES_VECTOR_TASKS'
    value: queueNames.vectorTasks
  }
  {
    name: 'GEOMACHINE_QUEUES_DEAD_LETTERS'
    value: queueNames.deadLetters
  }
  // The janitor's broker-DLQ consumer reads each queue's dead-letter sub-queue (Service Bus has no
  // single DLQ address like Artemis); the other services ignore these.
  {
    name: 'GEOMACHINE_QUEUES_BROKER_DLQ'
    value: '${queueNames.jobs}/$DeadLetterQueue'
  }
  {
    name: 'GEOMACHINE_QUEUES_BROKER_DLQ_RASTER_TASKS'
    value: '${queueNames.rasterTasks}/$DeadLetterQueue'
  }
  {
    name: 'GEOMACHINE_QUEUES_BROKER_DLQ_VECTOR_TASKS'
    value: '${queueNames.vectorTasks}/$DeadLetterQueue'
  }
  {
    name: 'GEOMACHINE_QUEUES_BROKER_DLQ_DEAD_LETTERS'
    value: '${queueNames.deadLetters}/$DeadLetterQueue'
  }
  {
    // selects the user-assigned identity for azure-identity's ManagedIdentityCredential / DefaultAzureCredential
    name: 'AZURE_CLIENT_ID'
    value: identity.properties.clientId
  }
  {
    // the storage account name, as the Azure SDK samples and GDAL (/vsiaz/) read it
    name: 'AZURE_STORAGE_ACCOUNT'
    value: storage.name
  }
  {
    // PLACEHOLDER: the services define no blob-endpoint key yet; rename to the key they read
    name: 'GEOMACHINE_STORAGE_BLOB_ENDPOINT'
    value: storage.properties.primaryEndpoints.blob
  }
]

// One entry per service: port as in ./platform, size, replicas, KEDA scale rules.
// Consumption profile sizes: 0.25 vCPU / 0.5Gi steps up to 4 vCPU / 8Gi.
var apps = [
  {
    name: 'api-gateway'
    port: 8080
    cpu: '0.5'
    memory: '1Gi'
    external: true
    minReplicas: 1
    maxReplicas: 5
    gracePeriod: 30
    rules: [
      {
        name: 'http-concurrency'
        http: {
          metadata: {
            concurrentRequests: '50'
          }
        }
      }
    ]
  }
  {
    // also runs the transactional outbox relay: keep at least one replica
    name: 'orchestrator'
    port: 8081
    cpu: '0.5'
    memory: '1Gi'
    external: false
    minReplicas: 1
    maxReplicas: 3
    gracePeriod: 60
    rules: [
      {
        name: 'jobs-queue-depth'
        custom: {
          type: 'azure-servicebus'
          identity: identity.id
          metadata: {
            namespace: serviceBus.name
            queueName: queueNames.jobs
            messageCount: '100'
          }
        }
      }
    ]
  }
  {
    // JVM gets half of the memory (MaxRAMPercentage=50 in the image), GDAL the rest
    name: 'worker-raster'
    port: 8082
    cpu: '2.0'
    memory: '4Gi'
    external: false
    minReplicas: 1
    maxReplicas: workerRasterMaxReplicas
    gracePeriod: 300
    rules: [
      {
        name: 'raster-queue-depth'
        custom: {
          type: 'azure-servicebus'
          identity: identity.id
          metadata: {
            namespace: serviceBus.name
            queueName: queueNames.rasterTasks
            messageCount: '16' // tasks one replica runs at once (smallrye.messaging.worker.task-runners.max-concurrency)
            activationMessageCount: '0'
          }
        }
      }
    ]
  }
  {
    name: 'worker-vector'
    port: 8083
    cpu: '1.0'
    memory: '2Gi'
    external: false
    minReplicas: 0
    maxReplicas: workerVectorMaxReplicas
    gracePeriod: 120
    rules: [
      {
        name: 'vector-queue-depth'
        custom: {
          type: 'azure-servicebus'
          identity: identity.id
          metadata: {
            namespace: serviceBus.name
            queueName: queueNames.vectorTasks
            messageCount: '16'
            activationMessageCount: '0'
          }
        }
      }
    ]
  }
  {
    // replicas coordinate through database locks; one is enough
    name: 'janitor'
    port: 8084
    cpu: '0.25'
    memory: '0.5Gi'
    external: false
    minReplicas: 1
    maxReplicas: 1
    gracePeriod: 30
    rules: []
  }
]

resource containerApps 'Microsoft.App/containerApps@2025-01-01' = [for app in apps: {
  name: '${namePrefix}-${app.name}'
  location: location
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    environmentId: appsEnvironment.id
    workloadProfileName: 'Consumption'
    configuration: {
      activeRevisionsMode: 'Single'
      // only the gateway takes outside traffic; the others need no ingress (queues in, queues out)
      ingress: app.external ? {
        external: true
        targetPort: app.port
        transport: 'http'
        allowInsecure: false
      } : null
      registries: [
        {
          server: registryServer
          identity: identity.id
        }
      ]
      secrets: appSecrets
    }
    template: {
      terminationGracePeriodSeconds: app.gracePeriod
      containers: [
        {
          name: app.name
          image: '${registryServer}/geomachine/${app.name}:${imageTag}'
          resources: {
            cpu: json(app.cpu)
            memory: app.memory
          }
          env: concat(commonEnv, [
            {
              name: 'QUARKUS_HTTP_PORT'
              value: string(app.port)
            }
          ])
          // Quarkus SmallRye Health; started/live are DOWN while the broker is unreachable, so liveness allows 60 s
          probes: [
            {
              type: 'Startup'
              httpGet: {
                path: '/q/health/started'
                port: app.port
              }
              initialDelaySeconds: 5
              periodSeconds: 10
              timeoutSeconds: 3
              failureThreshold: 10
            }
            {
              type: 'Liveness'
              httpGet: {
                path: '/q/health/live'
                port: app.port
              }
              periodSeconds: 10
              timeoutSeconds: 3
              failureThreshold: 6
            }
            {
              type: 'Readiness'
              httpGet: {
                path: '/q/health/ready'
                port: app.port
              }
              periodSeconds: 5
              timeoutSeconds: 3
              failureThreshold: 3
            }
          ]
        }
      ]
      scale: {
        minReplicas: app.minReplicas
        maxReplicas: app.maxReplicas
        pollingInterval: 15
        cooldownPeriod: 300
        rules: app.rules
      }
    }
  }
  dependsOn: [
    acrPull
    blobContributor
    serviceBusOwner
    queues
    postgresFirewallAzure
  ]
}]

// ------------------------------------------------------------------------------------------------------------------
// schema-init: postgis + app schema + pgstac (deploy/schema-init), a manually started Container Apps job
// ------------------------------------------------------------------------------------------------------------------
resource schemaInit 'Microsoft.App/jobs@2025-01-01' = {
  name: '${namePrefix}-schema-init'
  location: location
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    environmentId: appsEnvironment.id
    workloadProfileName: 'Consumption'
    configuration: {
      triggerType: 'Manual'
      replicaTimeout: 1800
      replicaRetryLimit: 2
      manualTriggerConfig: {
        parallelism: 1
        replicaCompletionCount: 1
      }
      registries: [
        {
          server: registryServer
          identity: identity.id
        }
      ]
      secrets: [
        {
          name: 'postgres-password'
          value: postgresAdminPassword
        }
      ]
    }
    template: {
      containers: [
        {
          name: 'schema-init'
          image: '${registryServer}/geomachine/schema-init:${imageTag}'
          resources: {
            cpu: json('0.5')
            memory: '1Gi'
          }
          env: [
            {
              name: 'PGHOST'
              value: postgres.properties.fullyQualifiedDomainName
            }
            {
              name: 'PGPORT'
              value: '5432'
            }
            {
              name: 'PGDATABASE'
              value: 'geomachine'
            }
            {
              name: 'PGUSER'
              value: postgresAdminLogin
            }
            {
              name: 'PGPASSWORD'
              secretRef: 'postgres-password'
            }
            {
              name: 'PGSSLMODE'
              value: 'require'
            }
            {
              name: 'SCHEMA_INIT_WAIT_SECONDS'
              value: '300'
            }
          ]
        }
      ]
    }
  }
  dependsOn: [
    acrPull
    postgresFirewallAzure
  ]
}

// ------------------------------------------------------------------------------------------------------------------
output gatewayUrl string = 'https://${containerApps[0].properties.configuration.ingress.fqdn}'
output serviceBusHost string = '${serviceBus.name}.servicebus.windows.net'
output postgresHost string = postgres.properties.fullyQualifiedDomainName
output blobEndpoint string = storage.properties.primaryEndpoints.blob
output identityClientId string = identity.properties.clientId
output schemaInitJob string = schemaInit.name
