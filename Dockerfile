# Build: a static binary, no cgo.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/signpost ./cmd/signpost

# Run: distroless static, as the non-root user; the flows are inside the binary.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/signpost /usr/local/bin/signpost
USER nonroot:nonroot
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/signpost"]
CMD ["serve"]
