package dev.ferry.transfer.grpc;

import dev.ferry.proto.v1.RelayFrame;
import dev.ferry.proto.v1.TransferAck;
import dev.ferry.proto.v1.TransferFrame;
import dev.ferry.proto.v1.TransferGrpc;
import dev.ferry.transfer.Admission;
import dev.ferry.transfer.RelayAdmission;
import dev.ferry.transfer.Ticker;
import dev.ferry.transfer.receive.Receiver;
import dev.ferry.transfer.receive.ReceiverOptions;
import io.grpc.BindableService;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

/**
 * The ferry.v1.Transfer service of an agent: receives trees into the directories its
 * {@link Admission} names. Add it to the agent's gRPC server as any BindableService.
 */
public final class TransferService implements TransferGrpc.AsyncService, BindableService {
  private final Receiver receiver;
  private final RelayAdmission relayAdmission;

  public TransferService(Receiver receiver, RelayAdmission relayAdmission) {
    this.receiver = receiver;
    this.relayAdmission = relayAdmission;
  }

  public TransferService(Receiver receiver) {
    this(receiver, RelayAdmission.none());
  }

  /** Trees into the directories {@code admission} names; page relays to ports {@code relayAdmission} allows. */
  public static TransferService create(Admission admission, RelayAdmission relayAdmission) {
    return new TransferService(new Receiver(admission, ReceiverOptions.defaults(), Ticker.SYSTEM), relayAdmission);
  }

  public Receiver receiver() {
    return receiver;
  }

  /** The generated binding, with Send's frames parsed by {@link AliasingFrameParser}. */
  @Override
  public ServerServiceDefinition bindService() {
    ServerServiceDefinition generated = TransferGrpc.bindService(this);
    MethodDescriptor<TransferFrame, TransferAck> send = TransferGrpc.getSendMethod();
    ServerServiceDefinition.Builder service = ServerServiceDefinition.builder(TransferGrpc.SERVICE_NAME);
    for (ServerMethodDefinition<?, ?> method : generated.getMethods()) {
      if (method.getMethodDescriptor().getFullMethodName().equals(send.getFullMethodName())) {
        @SuppressWarnings("unchecked")
        ServerCallHandler<TransferFrame, TransferAck> handler = (ServerCallHandler<TransferFrame, TransferAck>) method.getServerCallHandler();
        service.addMethod(send.toBuilder(new AliasingFrameParser(), send.getResponseMarshaller()).build(), handler);
      } else {
        service.addMethod(method);
      }
    }
    return service.build();
  }

  @Override
  public StreamObserver<TransferFrame> send(StreamObserver<TransferAck> responses) {
    return new ReceiveCall(receiver, (ServerCallStreamObserver<TransferAck>) responses);
  }

  @Override
  public StreamObserver<RelayFrame> relayPages(StreamObserver<RelayFrame> responses) {
    return new RelayCall(relayAdmission, (ServerCallStreamObserver<RelayFrame>) responses);
  }
}
